// Section headings for the demos: bold only when stdout is a terminal and NO_COLOR is unset or
// empty (https://no-color.org), so a piped or logged demo carries no escape codes.
export function useColour(stream = process.stdout, env = process.env) {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === ""
}

export function bannerText(s, colour) {
  return colour ? `\n\x1b[1m== ${s}\x1b[0m` : `\n== ${s}`
}

export const banner = (s) => console.log(bannerText(s, useColour()))
