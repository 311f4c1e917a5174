// The time limit of a test that checks a deadline (a timeout or an abort of a key call). Without
// the deadline the call never settles: the test then fails after this long instead of the suite's
// timeout, so a mutant that drops a deadline is killed in seconds rather than timing out Stryker's
// worker (30 s + a restart each); the deadlines under test are all under 1.5 s.
export const DEADLINE_TEST_MS = 5_000
