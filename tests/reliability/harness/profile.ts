/**
 * The reliability suite's two profiles. `short` (the default, run by `npm test` and so by CI)
 * scales every scenario down so the whole suite takes a few minutes and asserts correctness
 * (nothing lost, nothing duplicated beyond the inherent step, every hostile byte escaped); timing
 * targets are printed there and asserted only in `long` (`npm run test:reliability`, the figures
 * in docs/reliability.md), which runs the sizes the issue names.
 */
export type Profile = 'short' | 'long';

export const PROFILE: Profile = process.env['BELWATCH_RELIABILITY'] === 'long' ? 'long' : 'short';

/** The short value in the short profile, the long one in the long profile. */
export function scale<T>(short: T, long: T): T {
  return PROFILE === 'long' ? long : short;
}

/** Timing targets hold on a quiet machine; CI's short profile only reports them. */
export const ASSERT_TIMING = PROFILE === 'long';
