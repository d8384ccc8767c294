"""rl-rig as OpenRLHF's reward: pass this file as --remote_rm_url.

OpenRLHF calls reward_func(queries, prompts, labels) for each batch when --remote_rm_url names a
Python file. This one forwards the batch to rl-rig's reward service (POST /api/reward), which
reads each label's image with the Checker of a profile and scores it against the label's target
scene graph (LAION-SG SG-IoU). OpenRLHF's own HTTP client sends no credentials, hence this file:
it adds the bearer token.

Environment:
  RIG_REWARD_URL    e.g. http://rig-host:3000/api/reward?profile=vllm-qwen  (required);
                    add &mode=edit to train an Actor: the response is applied as an edit
                    instruction and the reward is the edit's scene-graph gain
  RIG_REWARD_TOKEN  the server's RIG_REWARD_TOKEN                            (required)
  RIG_REWARD_TIMEOUT_S  per request, default 600

A label is JSON text: {"target": "<prompt, scene graph or LAION-SG record>", "image": "<base64 PNG>"}
or {"target": ..., "imageId": "<sha256 of an image stored on the rl-rig server>"}.
"""

import json
import os
import time
import urllib.error
import urllib.request


def _post(url, token, payload, timeout_s, attempts=5):
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
    url = os.environ["RIG_REWARD_URL"]
    token = os.environ["RIG_REWARD_TOKEN"]
    timeout_s = float(os.environ.get("RIG_REWARD_TIMEOUT_S", "600"))
    answer = _post(url, token, {"query": list(queries), "prompts": list(prompts), "labels": list(labels)}, timeout_s)
    try:
        import torch
    except ImportError:  # outside a trainer (a smoke test): plain lists
        return answer
    return {
        "rewards": torch.tensor(answer["rewards"], dtype=torch.float32),
        "scores": torch.tensor(answer["scores"], dtype=torch.float32),
        "extra_logs": {key: torch.tensor(values, dtype=torch.float32) for key, values in answer["extra_logs"].items()},
    }
