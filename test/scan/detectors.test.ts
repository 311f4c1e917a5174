import { describe, expect, it } from "vitest"
import { scanText } from "../../src/scan/scanner.js"
import { isIdentifier, isKnownNonSecret, isPlaceholder, looksRandom } from "../../src/scan/filters.js"
import * as t from "../helpers/tokens.js"

const rules = (text: string): string[] => scanText(text, "f").map((f) => `${f.ruleId}:${f.severity}`)

describe("checksum detectors over many generated tokens", () => {
  const gens: [string, (r: t.Rng) => string][] = [
    ["github-token", (r) => t.githubToken(r, "ghu")],
    ["npm-token", t.npmToken],
    ["gitlab-routable-token", (r) => t.gitlabRoutable(r)],
    ["grafana-service-account-token", t.grafanaServiceAccount],
    ["atlassian-api-token", t.atlassianApiToken],
    ["atlassian-api-token", t.bitbucketAppPassword],
    ["age-secret-key", t.ageSecretKey],
  ]
  it.each(gens)("should find every valid %s and none with one character changed", (ruleId, gen) => {
    for (let seed = 1; seed <= 40; seed++) {
      const token = gen(t.rng(seed))
      expect(rules(`value: ${token}\n`)).toEqual([`${ruleId}:critical`])
      expect(rules(`value: ${t.breakLast(token)}\n`)).toEqual([])
    }
  })
})

describe("structured detectors", () => {
  const r = t.rng(7)
  it("should rate a Stripe test key low and skip a repeated-digit dummy", () => {
    expect(rules(`k = "sk_test_${t.pick(r, t.ALNUM, 24)}"`)).toEqual(["stripe-key:low"])
    expect(rules(`k = "sk_live_${"1".repeat(24)}"`)).toEqual([])
  })

  it("should require a JSON header with alg for a JWT", () => {
    const good = t.jwt(r, { sub: "x" })
    expect(rules(`Authorization: Bearer ${good}`)).toEqual(["jwt:medium"])
    const noAlg = `${Buffer.from('{"typ":"JWT"}').toString("base64url")}.${good.split(".")[1] ?? ""}.${"a".repeat(40)}`
    expect(rules(`Authorization: Bearer ${noAlg}`)).toEqual([])
  })

  it("should drop connection URIs to localhost or with placeholder passwords and keep real ones", () => {
    const pw = t.password(r)
    expect(rules(`url: mysql://app:${pw}@mysql.prod.svc:3306/db`)).toEqual(["connection-uri-password:high"])
    expect(rules(`url: mysql://app:${pw}@localhost:3306/db`)).toEqual([])
    expect(rules(`url: mysql://app:\${DB_PASSWORD}@mysql.prod.svc/db`)).toEqual([])
    expect(rules(`url: amqp://svc:P@ss:w0rd-${pw}@mq.internal/vhost`)).toEqual([
      "connection-uri-password:high",
    ])
  })

  it("should find a private key inside a JSON string with escaped newlines", () => {
    const pem = t.ecPrivateKeyPem(r, "pkcs8")
    expect(rules(JSON.stringify({ private_key: pem }))).toEqual(["private-key:critical"])
    expect(rules(pem.replace(/\n[A-Za-z0-9+/]{20}/, "\n" + "A".repeat(20)))).toEqual([])
  })

  it("should verify OpenSSH check integers and the PGP armor checksum", () => {
    expect(rules(t.openSshPrivateKey(r))).toEqual(["openssh-private-key:critical"])
    expect(rules(t.openSshPrivateKey(r, true))).toEqual([])
    expect(rules(t.pgpPrivateKeyBlock(r))).toEqual(["pgp-private-key:critical"])
    expect(rules(t.pgpPrivateKeyBlock(r, true))).toEqual([])
  })

  it("should not let the generic tier report code from minified bundles or identifier strings", () => {
    // shapes found on this repository's node_modules (61 low findings before, all code)
    const code = [
      `const X_AWS_EC2_METADATA_TOKEN = "x-aws-ec2-metadata-token";`,
      `const hasExclamationToken = !!node.exclamationToken;`,
      `request.withCredentials = !!_config.withCredentials;`,
      `nextLastSignificantToken = "?NonExpressionParenEnd";`,
      `nextLastSignificantToken = "?InterpolationInJSX";`,
      `this.lastTokEnd=this.lastTokStart=this.pos,x=1`,
      `if(this.lastTokEnd===this.state.regExpAllowedAt2)`,
      `{maxTokens:t=this._options.maxTokens}=this._options`,
      `this._tokenizeLet=r.tokenizeLet??!0,`,
      `g.tokens=g.tokens===!0,`,
      `jsTokens = function* (input) {`,
    ]
    for (const line of code) expect(rules(line), line).toEqual([])
    // the same names with literal secrets are still reported, quoted or not
    const pw = t.password(r)
    expect(rules(`request.withCredentials = "${pw}";`)).toEqual(["generic-secret:low"])
    expect(rules(`api_token: ${pw}`)).toEqual(["generic-secret:low"])
    expect(rules(`API_TOKEN=!${pw}`)).toEqual(["generic-secret:low"])
  })

  it("should not let the generic tier report an issuer-prefixed look-alike", () => {
    expect(rules(`GITHUB_TOKEN=${t.breakLast(t.githubToken(r))}`)).toEqual([])
    expect(rules(`DB_PASSWORD=${t.password(r)}`)).toEqual(["generic-secret:low"])
  })
})

describe("value filters", () => {
  it("should recognise placeholders, templates and known non-secrets", () => {
    for (const v of ["changeme", "${DB_PASSWORD}", "{{ .Values.x }}", "<your-token>", "xxxxxxxx", "$SECRET"])
      expect(isPlaceholder(v), v).toBe(true)
    expect(isPlaceholder("k8Zq3mWp9xLr")).toBe(false)
    for (const v of [
      "0b5c4e1a-8f3e-4f5d-9a2b-1c3d5e7f9a0b",
      "sha512-abc+/=",
      "d".repeat(40),
      "data:image/png;base64,AAAA",
      "^3.972.87",
    ])
      expect(isKnownNonSecret(v), v).toBe(true)
  })

  it("should tell identifiers from random tokens", () => {
    for (const v of ["V1TokenRequestSpec", "Uint8Array", "ArrowToken$1", "CreateOAuth2TokenRequestBody"])
      expect(isIdentifier(v), v).toBe(true)
    expect(isIdentifier("aB3dE5fG7hJ9kL1m")).toBe(false)
    expect(looksRandom("aB3dE5fG7hJ9kL1m")).toBe(true)
    expect(looksRandom("ThisIsAReallyLongString")).toBe(false)
    for (const v of ["res.auth?.client_token", "sb/sealbridge-hash-key", "plain-token-0987654321"])
      expect(looksRandom(v), v).toBe(false)
    expect(looksRandom("x7Kp-q9Zm-4RtW-8vLn")).toBe(true)
    expect(isPlaceholder("s3cr3t-value")).toBe(true)
  })
})
