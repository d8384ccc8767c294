"""rl-rig's reward service for RL engines: one file, an entry point for each.

  OpenRLHF  --remote_rm_url integrations/rl_rig_reward.py             -> reward_func(queries, prompts, labels)
  verl      custom_reward_function.path=integrations/rl_rig_reward.py
            custom_reward_function.name=compute_score                  -> compute_score(data_source, solution_str, ground_truth, extra_info)
  TRL       GRPOTrainer(reward_funcs=[rl_rig_reward.trl_reward], ...)  -> trl_reward(completions, label, **kwargs)

Each forwards to rl-rig's POST /api/reward, which reads the label's image with the Checker of a
profile and scores it against the label's target scene graph (LAION-SG SG-IoU). With
`mode=edit` in the URL (what `rig export` data is for) the policy's response is an edit
instruction: the profile's Editor applies it to the label's image and the reward is the edit's
scene-graph gain, Reflection-GRPO's own reward. OpenRLHF's own HTTP client sends no credentials,
hence this file: it adds the bearer token.

Environment:
  RIG_REWARD_URL    e.g. http://rig-host:3000/api/reward?profile=vllm-qwen&mode=edit  (required)
  RIG_REWARD_TOKEN  the server's RIG_REWARD_TOKEN                                      (required)
  RIG_REWARD_TIMEOUT_S  per request, default 600

A label is JSON text: {"target": "<prompt, scene graph or LAION-SG record>", "image": "<base64 PNG>"}
or {"target": ..., "imageId": "<sha256 of an image stored on the rl-rig server>"}.
"""

import json
import os
import time
import urllib.error
import urllib.request


def _post(payload, attempts=5):
    url = os.environ["RIG_REWARD_URL"]
    token = os.environ["RIG_REWARD_TOKEN"]
    timeout_s = float(os.environ.get("RIG_REWARD_TIMEOUT_S", "600"))
    body = json.dumps(payload).encode("utf-8")
    for attempt in range(attempts):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": "Bearer " + token},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            # 4xx: the batch itself is wrong (the message says which label); retrying cannot help.
            if error.code < 500 and error.code != 429:
                raise RuntimeError("rl-rig reward service answered %d: %s" % (error.code, detail)) from None
            wait = float(error.headers.get("Retry-After", 2 ** attempt))
        except (urllib.error.URLError, TimeoutError) as error:
            detail = str(error)
            wait = 2 ** attempt
        if attempt == attempts - 1:
            raise RuntimeError("rl-rig reward service failed after %d attempts: %s" % (attempts, detail))
        time.sleep(min(wait, 60))
    raise AssertionError("unreachable")


def reward_func(queries, prompts, labels):
    """OpenRLHF: rewards, scores and extra_logs for a batch (torch tensors inside a trainer)."""
    answer = _post({"query": list(queries), "prompts": list(prompts), "labels": list(labels)})
    try:
        import torch
    except ImportError:  # outside a trainer (a smoke test): plain lists
        return answer
    return {
        "rewards": torch.tensor(answer["rewards"], dtype=torch.float32),
        "scores": torch.tensor(answer["scores"], dtype=torch.float32),
        "extra_logs": {key: torch.tensor(values, dtype=torch.float32) for key, values in answer["extra_logs"].items()},
    }


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl: the reward of one response; ground_truth is the row's reward_model.ground_truth (a label)."""
    return float(_post({"query": [solution_str], "prompts": [""], "labels": [ground_truth]})["rewards"][0])


def trl_reward(completions, label, **kwargs):
    """TRL GRPOTrainer: one float per completion; `label` is the data set column of that name."""
    texts = [completion[-1]["content"] if isinstance(completion, list) else completion for completion in completions]
    return [float(value) for value in _post({"query": texts, "prompts": [""] * len(texts), "labels": list(label)})["rewards"]]
