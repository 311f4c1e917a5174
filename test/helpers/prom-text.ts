/** One sample of the Prometheus text format: name, labels (unescaped) and value. */
export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Exposition {
  readonly samples: readonly Sample[]
  /** metric family → TYPE (counter, gauge, histogram, …) */
  readonly types: ReadonlyMap<string, string>
  readonly help: ReadonlyMap<string, string>
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy

/**
 * A strict reader of the text exposition format 0.0.4 (what Prometheus scrapes): every line is
 * a comment, a HELP/TYPE line or a sample, label values unescaped; anything else throws.
 */
export function parseExposition(text: string): Exposition {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  const help = new Map<string, string>()
  for (const line of text.split("\n")) {
    if (line === "") continue
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (meta !== null) {
      ;(meta[1] === "HELP" ? help : types).set(meta[2] ?? "", meta[3] ?? "")
      continue
    }
    if (line.startsWith("#")) continue
    const m = SAMPLE.exec(line)
    if (m === null) throw new Error(`not an exposition line: ${line}`)
    samples.push({ name: m[1] ?? "", labels: parseLabels(m[2] ?? "", line), value: parseValue(m[3] ?? "") })
  }
  return { samples, types, help }
}

function parseLabels(text: string, line: string): Record<string, string> {
  const out: Record<string, string> = {}
  LABEL.lastIndex = 0
  let m: RegExpExecArray | null
  while (LABEL.lastIndex < text.length && (m = LABEL.exec(text)) !== null)
    out[m[1] ?? ""] = (m[2] ?? "").replace(/\\(.)/g, (_s, c: string) => (c === "n" ? "\n" : c))
  if (LABEL.lastIndex !== text.length && text !== "") throw new Error(`bad labels: ${line}`)
  return out
}

/** As Prometheus (Go's ParseFloat): NaN and Inf case-insensitively, e.g. prom-client's "Nan". */
function parseValue(v: string): number {
  const lower = v.toLowerCase()
  if (lower === "nan") return NaN
  if (lower === "+inf" || lower === "inf") return Infinity
  if (lower === "-inf") return -Infinity
  const n = Number(v)
  if (Number.isNaN(n) || v.trim() === "") throw new Error(`bad value: ${v}`)
  return n
}

/** Samples of `name` whose labels include `labels`. */
export function select(e: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): Sample[] {
  return e.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
}

/** Sum of the matching samples (0 when none). */
export function total(e: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return select(e, name, labels).reduce((a, s) => a + s.value, 0)
}

export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>
  /** [upper bound, cumulative count] in the order exposed */
  readonly buckets: readonly [number, number][]
  readonly sum: number
  readonly count: number
}

/** The series of histogram `name`, grouped by their labels (without `le`). */
export function histograms(e: Exposition, name: string): HistogramSeries[] {
  const groups = new Map<
    string,
    { labels: Record<string, string>; buckets: [number, number][]; sum: number; count: number }
  >()
  const group = (labels: Readonly<Record<string, string>>) => {
    const { le: _le, ...rest } = labels
    const id = JSON.stringify(Object.entries(rest).sort())
    let g = groups.get(id)
    if (g === undefined) groups.set(id, (g = { labels: rest, buckets: [], sum: NaN, count: NaN }))
    return g
  }
  for (const s of e.samples) {
    if (s.name === `${name}_bucket`) group(s.labels).buckets.push([parseValue(s.labels["le"] ?? ""), s.value])
    else if (s.name === `${name}_sum`) group(s.labels).sum = s.value
    else if (s.name === `${name}_count`) group(s.labels).count = s.value
  }
  return [...groups.values()]
}
