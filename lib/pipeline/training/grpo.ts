/**
 * Group-relative policy optimisation for a linear-softmax policy: the objective of Reflection-GRPO
 * (RL-RIG), written out so it can be read, tested and differentiated exactly.
 *
 * A state offers candidate actions b with feature vectors phi_b; the policy is
 *   pi_theta(b) = softmax_b(theta . phi_b / T).
 * For each state a group of G actions is sampled from the old policy and rewarded. Then:
 *   advantage   A_i = (r_i - mean(r)) / (std(r) + eps)        ("grpo": scaled by the group's std)
 *               A_i =  r_i - mean(r)                          ("dr_grpo": Dr. GRPO drops the std scaling)
 *   ratio       rho_i = pi_theta(a_i) / pi_old(a_i)
 *   surrogate   min(rho_i A_i, clip(rho_i, 1 - eps_clip, 1 + eps_clip) A_i)      (PPO's clipped objective)
 *   KL (k3)     pi_ref(a_i)/pi_theta(a_i) - log(pi_ref(a_i)/pi_theta(a_i)) - 1   (Schulman's k3 estimator)
 *   objective   J = mean over all samples of (surrogate_i - beta * k3_i)
 * These are the formulas TRL's GRPOTrainer and verl document. An action here is one choice, not a
 * token sequence, so the two losses' per-sequence length normalisations coincide; they differ in
 * the std scaling. The paper's own hyper-parameters are not public: every default is a documented,
 * configurable choice.
 *
 * Gradients are analytic: grad log pi_theta(a) = (phi_a - E_pi[phi]) / T; the surrogate's is
 * A rho grad log pi where the unclipped term is the minimum (else 0); the k3 term's is
 * (1 - pi_ref/pi_theta) grad log pi. A finite-difference test pins them.
 */
export type LossType = "grpo" | "dr_grpo";

export interface GrpoSettings {
  clipEpsilon: number;
  /** Weight of the KL penalty to the reference policy. */
  beta: number;
  lossType: LossType;
  /** Added to the group's std before dividing ("grpo"). */
  advantageEpsilon: number;
  temperature: number;
}

export const defaultGrpoSettings: GrpoSettings = { clipEpsilon: 0.2, beta: 0.04, lossType: "grpo", advantageEpsilon: 1e-4, temperature: 1 };

/** One sampled action of a group: which candidate, its reward, and the old and reference policies' probabilities of it. */
export interface GroupSample {
  action: number;
  reward: number;
  oldProbability: number;
  referenceProbability: number;
}

export interface Group {
  /** Feature vector of every candidate action of the state. */
  candidates: readonly (readonly number[])[];
  samples: readonly GroupSample[];
}

export interface GrpoStepStats {
  objective: number;
  gradient: number[];
  meanReward: number;
  /** Mean of the groups' reward std (how much a group's edits differ). */
  rewardStd: number;
  /** Mean k3 estimate of KL(pi_theta || pi_ref) over the samples. */
  kl: number;
  /** Mean entropy of pi_theta over the groups' states. */
  entropy: number;
  /** Share of samples whose clipped term was the minimum (no gradient). */
  clipFraction: number;
}

/** Softmax of theta . phi / T over the candidates. */
export function policyProbabilities(theta: readonly number[], candidates: readonly (readonly number[])[], temperature = 1): number[] {
  const logits = candidates.map((features) => dot(theta, features) / temperature);
  const max = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - max));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** The group's advantages for `lossType` (see the header). */
export function groupAdvantages(rewards: readonly number[], lossType: LossType, epsilon = defaultGrpoSettings.advantageEpsilon): number[] {
  const mean = rewards.reduce((sum, reward) => sum + reward, 0) / rewards.length;
  if (lossType === "dr_grpo") return rewards.map((reward) => reward - mean);
  const std = standardDeviation(rewards);
  return rewards.map((reward) => (reward - mean) / (std + epsilon));
}

/** The objective J at theta and its gradient, over all groups' samples. */
export function grpoObjective(theta: readonly number[], groups: readonly Group[], settings: GrpoSettings = defaultGrpoSettings): GrpoStepStats {
  const gradient = new Array<number>(theta.length).fill(0);
  let objective = 0;
  let kl = 0;
  let clipped = 0;
  let entropy = 0;
  let rewardStd = 0;
  let rewardSum = 0;
  let count = 0;
  for (const group of groups) {
    const probabilities = policyProbabilities(theta, group.candidates, settings.temperature);
    entropy -= probabilities.reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0);
    const expected = theta.map((_, k) => probabilities.reduce((sum, p, b) => sum + p * group.candidates[b]![k]!, 0));
    const rewards = group.samples.map((sample) => sample.reward);
    rewardStd += standardDeviation(rewards);
    const advantages = groupAdvantages(rewards, settings.lossType, settings.advantageEpsilon);
    group.samples.forEach((sample, index) => {
      const advantage = advantages[index]!;
      const probability = probabilities[sample.action]!;
      const ratio = probability / sample.oldProbability;
      const clippedRatio = Math.min(1 + settings.clipEpsilon, Math.max(1 - settings.clipEpsilon, ratio));
      const unclippedTerm = ratio * advantage;
      const clippedTerm = clippedRatio * advantage;
      const usesUnclipped = unclippedTerm <= clippedTerm;
      if (!usesUnclipped) clipped += 1;
      const referenceRatio = sample.referenceProbability / probability;
      const k3 = referenceRatio - Math.log(referenceRatio) - 1;
      objective += Math.min(unclippedTerm, clippedTerm) - settings.beta * k3;
      kl += k3;
      rewardSum += sample.reward;
      count += 1;
      // d/dtheta of the sample's term = (surrogate weight - beta * (1 - pi_ref/pi_theta)) * grad log pi(a).
      const weight = (usesUnclipped ? advantage * ratio : 0) - settings.beta * (1 - referenceRatio);
      const features = group.candidates[sample.action]!;
      for (let k = 0; k < theta.length; k++) gradient[k]! += (weight * (features[k]! - expected[k]!)) / settings.temperature;
    });
  }
  const n = Math.max(1, count);
  return {
    objective: objective / n,
    gradient: gradient.map((value) => value / n),
    meanReward: rewardSum / n,
    rewardStd: rewardStd / Math.max(1, groups.length),
    kl: kl / n,
    entropy: entropy / Math.max(1, groups.length),
    clipFraction: clipped / n,
  };
}

/** Adam (Kingma & Ba) on a parameter vector, ascending the objective. */
export class Adam {
  private readonly m: number[];
  private readonly v: number[];
  private step = 0;

  constructor(
    size: number,
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = new Array<number>(size).fill(0);
    this.v = new Array<number>(size).fill(0);
  }

  /** theta + the step that ascends `gradient`. */
  ascend(theta: readonly number[], gradient: readonly number[]): number[] {
    this.step += 1;
    return theta.map((value, k) => {
      this.m[k] = this.beta1 * this.m[k]! + (1 - this.beta1) * gradient[k]!;
      this.v[k] = this.beta2 * this.v[k]! + (1 - this.beta2) * gradient[k]! ** 2;
      const mHat = this.m[k]! / (1 - this.beta1 ** this.step);
      const vHat = this.v[k]! / (1 - this.beta2 ** this.step);
      return value + (this.learningRate * mHat) / (Math.sqrt(vHat) + this.epsilon);
    });
  }
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/** The sample standard deviation (n - 1), as torch's `std()` that TRL's group scaling uses. */
function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}
