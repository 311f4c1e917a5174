export function useColour(stream?: { isTTY?: boolean }, env?: Record<string, string | undefined>): boolean
export function bannerText(s: string, colour: boolean): string
export function banner(s: string): void
