import type { CallerRole } from "../roles/errors";

/**
 * Per-call seeds. Each role call gets `deriveSeed(runSeed, iteration, role)`: the same run seed
 * replays the same run call for call, and the roles draw from separate streams, so a Checker's
 * noise never correlates with the Diffuser's.
 *
 * Construction (stable: changing it changes every recorded run's seeds): the run seed is split
 * into its low and high 32-bit words, and each input in turn (low word, high word, iteration,
 * role salt) is offset by a constant, passed through MurmurHash3's 32-bit finaliser (`fmix32`,
 * a bijection with full avalanche) and XOR-folded into the running hash, which is mixed again.
 * Results are unsigned 32-bit integers, a range every image back end accepts.
 */

/** Arbitrary odd constants (golden-ratio and MurmurHash3/xxHash primes) that salt each role. */
const ROLE_SALT: Record<CallerRole, number> = {
  diffuser: 0x9e3779b9,
  checker: 0x85ebca6b,
  actor: 0xc2b2ae35,
  editor: 0x27d4eb2f,
  judge: 0x165667b1,
  scorer: 0xd3a2646c,
};

const WORD = 2 ** 32;

/** MurmurHash3's 32-bit finaliser. */
export function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function fold(hash: number, value: number, offset: number): number {
  return fmix32(hash ^ fmix32((value + offset) >>> 0));
}

export function deriveSeed(runSeed: number, iteration: number, role: CallerRole): number {
  if (!Number.isSafeInteger(runSeed)) throw new RangeError(`run seed must be a safe integer, got ${runSeed}`);
  if (!Number.isInteger(iteration) || iteration < 0) throw new RangeError(`iteration must be a non-negative integer, got ${iteration}`);
  const low = runSeed >>> 0;
  const high = Math.floor(runSeed / WORD) >>> 0;
  let hash = fold(0, low, 0x9e3779b9);
  hash = fold(hash, high, 0x7f4a7c15);
  hash = fold(hash, iteration, 0x165667b1);
  return fold(hash, ROLE_SALT[role], 0);
}
