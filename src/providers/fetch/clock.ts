/** Time for the fetch layer, injected so tests run on a fake clock. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}
