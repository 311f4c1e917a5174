/**
 * Builds the labelled scanner corpus (test/fixtures/scan/): true positives for every detector,
 * generated with valid checksums from a seeded PRNG; look-alikes whose checksums are wrong; and the
 * false-positive traps users complain about. `labels.json` is the machine-readable answer key the
 * benchmark uses to score sealbridge and gitleaks alike. Regenerate with:
 *   UPDATE_SCAN_CORPUS=1 npx vitest run test/scan/corpus.test.ts
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import * as t from "./tokens.js"

export interface Label {
  readonly path: string
  /** 1-based line where the finding starts */
  readonly line: number
  readonly ruleId: string
  readonly severity: string
  /** other lines of the same credential a tool may report instead (e.g. the AWS key id line) */
  readonly related?: readonly number[]
}

export interface Corpus {
  readonly files: ReadonlyMap<string, string>
  readonly positives: readonly Label[]
  /** files that must produce no finding at all */
  readonly negatives: readonly { readonly path: string; readonly kind: "trap" | "lookalike" }[]
}

interface Plant {
  readonly secret: string
  readonly ruleId: string
  readonly severity: string
  readonly relatedTo?: string
}

export function buildCorpus(seed = 20261201): Corpus {
  const r = t.rng(seed)
  const files = new Map<string, string>()
  const positives: Label[] = []
  const negatives: { path: string; kind: "trap" | "lookalike" }[] = []
  const pos = (path: string, text: string, plants: Plant[]): void => {
    files.set(path, text)
    for (const p of plants) {
      const at = text.indexOf(p.secret)
      if (at < 0) throw new Error(`corpus: ${p.ruleId} secret not in ${path}`)
      const lineOf = (i: number): number => text.slice(0, i).split("\n").length
      const related = p.relatedTo === undefined ? {} : { related: [lineOf(text.indexOf(p.relatedTo))] }
      positives.push({ path, line: lineOf(at), ruleId: p.ruleId, severity: p.severity, ...related })
    }
  }
  const neg = (path: string, text: string, kind: "trap" | "lookalike"): void => {
    files.set(path, text)
    negatives.push({ path, kind })
  }
  const P = (secret: string, ruleId: string, severity = "critical"): Plant => ({ secret, ruleId, severity })

  // ---- true positives -------------------------------------------------------------------------
  const ghp = t.githubToken(r, "ghp")
  const gho = t.githubToken(r, "gho")
  const ghs = t.githubToken(r, "ghs")
  const fine = t.githubFineGrained(r)
  pos(
    "positives/github.env",
    `# CI tokens\nGITHUB_TOKEN=${ghp}\nGH_OAUTH=${gho}\nexport GH_APP_TOKEN="${ghs}"\nRELEASE_PAT=${fine}\n`,
    [
      P(ghp, "github-token"),
      P(gho, "github-token"),
      P(ghs, "github-token"),
      P(fine, "github-fine-grained-token"),
    ],
  )
  const npm = t.npmToken(r)
  pos("positives/.npmrc", `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${npm}\n`, [
    P(npm, "npm-token"),
  ])

  const glRoutable = t.gitlabRoutable(r, "glpat-")
  const glRunner = t.gitlabRoutable(r, "glrt-")
  const glLegacy = t.gitlabLegacy(r, "glpat-")
  const glDeploy = t.gitlabLegacy(r, "gldt-")
  const glTrigger = "glptt-" + t.pick(r, t.HEX, 40)
  pos(
    "positives/.gitlab-ci.yml",
    `variables:\n  API_TOKEN: ${glRoutable}\n  RUNNER_TOKEN: ${glRunner}\n  OLD_PAT: "${glLegacy}"\n  DEPLOY: ${glDeploy}\n  TRIGGER: ${glTrigger}\n`,
    [
      P(glRoutable, "gitlab-routable-token"),
      P(glRunner, "gitlab-routable-token"),
      P(glLegacy, "gitlab-token", "high"),
      P(glDeploy, "gitlab-token", "high"),
      P(glTrigger, "gitlab-token", "high"),
    ],
  )
  const glsa = t.grafanaServiceAccount(r)
  const glc = t.grafanaCloud(r)
  pos(
    "positives/grafana.yaml",
    `apiVersion: 1\ndatasources:\n  - name: prom\n    token: ${glsa}\ncloud:\n  key: ${glc}\n`,
    [P(glsa, "grafana-service-account-token"), P(glc, "grafana-cloud-token", "high")],
  )
  const atatt = t.atlassianApiToken(r)
  const atbb = t.bitbucketAppPassword(r)
  pos(
    "positives/jira.properties",
    `jira.url=https://acme.atlassian.net\njira.token=${atatt}\nbitbucket.app.password=${atbb}\n`,
    [P(atatt, "atlassian-api-token"), P(atbb, "atlassian-api-token")],
  )

  const awsId = t.awsKeyId(r)
  const awsSecret = t.awsSecret(r)
  pos(
    "positives/aws/credentials",
    `[default]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\nregion = eu-west-1\n`,
    [{ ...P(awsSecret, "aws-access-key"), relatedTo: awsId }],
  )
  const loneId = t.awsKeyId(r)
  pos(
    "positives/aws/iam.tf",
    `resource "aws_iam_access_key" "ci" {\n  # imported: ${loneId}\n  user = "ci"\n}\n`,
    [P(loneId, "aws-access-key-id", "medium")],
  )
  const loneSecret = t.awsSecret(r)
  pos("positives/aws/deploy.env", `AWS_REGION=us-east-1\nAWS_SECRET_ACCESS_KEY=${loneSecret}\n`, [
    P(loneSecret, "aws-secret-access-key", "high"),
  ])

  const gkey = t.googleApiKey(r)
  const gsecret = t.googleOAuthSecret(r)
  pos(
    "positives/firebase.js",
    `export const firebaseConfig = {\n  apiKey: "${gkey}",\n  projectId: "acme-prod",\n}\nexport const oauth = { clientSecret: "${gsecret}" }\n`,
    [P(gkey, "google-api-key", "high"), P(gsecret, "google-oauth-client-secret", "high")],
  )
  const xoxb = t.slackBotToken(r)
  const hook = t.slackWebhook(r)
  pos(
    "positives/notify.sh",
    `#!/bin/sh\nSLACK_BOT_TOKEN=${xoxb}\ncurl -X POST -d '{"text":"deployed"}' ${hook}\n`,
    [P(xoxb, "slack-token", "high"), P(hook, "slack-webhook", "high")],
  )
  const sk = t.stripeLive(r)
  const whsec = "whsec_" + t.pick(r, t.ALNUM, 32)
  pos(
    "positives/settings.py",
    `DEBUG = False\nSTRIPE_SECRET_KEY = "${sk}"\nSTRIPE_WEBHOOK_SECRET = '${whsec}'\n`,
    [P(sk, "stripe-key"), P(whsec, "stripe-key")],
  )
  const oai = t.openaiKey(r)
  const ant = t.anthropicKey(r)
  pos("positives/ai.env", `OPENAI_API_KEY=${oai}\nANTHROPIC_API_KEY=${ant}\n`, [
    P(oai, "openai-api-key"),
    P(ant, "anthropic-api-key"),
  ])
  const age = t.ageSecretKey(r)
  pos(
    "positives/age-keys.txt",
    `# created: 2026-11-30T10:00:00Z\n# public key: age1${t.pick(r, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)}\n${age}\n`,
    [P(age, "age-secret-key")],
  )

  const ssh = t.openSshPrivateKey(r)
  pos("positives/keys/id_ed25519", ssh + "\n", [P(ssh, "openssh-private-key")])
  const rsa = t.rsaPrivateKeyPem()
  pos("positives/keys/server.key", rsa + "\n", [P(rsa, "private-key")])
  const ec = t.ecPrivateKeyPem(r, "sec1")
  pos("positives/keys/ec.pem", ec + "\n", [P(ec, "private-key")])
  const pk8 = t.ecPrivateKeyPem(r, "pkcs8")
  const pk8Json = pk8.replace(/\n/g, "\\n")
  const saJson = JSON.stringify(
    {
      type: "service_account",
      project_id: "acme-prod",
      private_key_id: t.pick(r, t.HEX, 40),
      private_key: pk8 + "\n",
      client_email: "ci@acme-prod.iam.gserviceaccount.com",
    },
    null,
    2,
  )
  pos("positives/keys/gcp-sa.json", saJson + "\n", [P(pk8Json.slice(0, 40), "private-key")])
  const encPem = t.encryptedPkcs8Pem(r)
  pos("positives/keys/encrypted.pem", encPem + "\n", [P(encPem, "private-key", "medium")])
  const pgp = t.pgpPrivateKeyBlock(r)
  pos("positives/keys/signing.asc", pgp + "\n", [P(pgp, "pgp-private-key")])
  const clientKey = Buffer.from(t.ecPrivateKeyPem(r, "sec1") + "\n").toString("base64")
  pos(
    "positives/kubeconfig.yaml",
    `apiVersion: v1\nkind: Config\nusers:\n  - name: admin\n    user:\n      client-certificate-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64")}\n      client-key-data: ${clientKey}\n`,
    [P(clientKey, "private-key-base64")],
  )

  const saJwt = t.jwt(r, {
    iss: "kubernetes/serviceaccount",
    "kubernetes.io/serviceaccount/namespace": "ci",
    sub: "system:serviceaccount:ci:deployer",
  })
  pos("positives/ci-token.yaml", `deploy:\n  token: ${saJwt}\n`, [P(saJwt, "jwt", "high")])
  const apiJwt = t.jwt(r, { sub: "user-42", iat: 1764547200, scope: "admin" })
  pos("positives/api.http", `GET https://api.acme.test/v1/users\nAuthorization: Bearer ${apiJwt}\n`, [
    P(apiJwt, "jwt", "medium"),
  ])

  const pgPw = t.password(r)
  const mongoPw = t.password(r)
  const redisPw = t.password(r, 32)
  pos(
    "positives/database.env",
    `DATABASE_URL=postgres://app:${pgPw}@db.prod.internal:5432/app?sslmode=require\nMONGO_URL=mongodb+srv://svc:${mongoPw}@cluster0.a1b2c.mongodb.net/prod\nREDIS_URL=rediss://default:${redisPw}@cache.prod.internal:6380/0\n`,
    [
      P(pgPw, "connection-uri-password", "high"),
      P(mongoPw, "connection-uri-password", "high"),
      P(redisPw, "connection-uri-password", "high"),
    ],
  )

  const saas: [string, string][] = [
    ["azure-ad-client-secret", `${t.pick(r, t.ALNUM, 3)}8Q~${t.pick(r, t.ALNUM + "_~.-", 34)}`],
    ["azure-storage-key", `AccountKey=${t.pick(r, t.B64, 86)}==`],
    ["azure-sas-token", `sig=${t.pick(r, t.ALNUM, 43)}%3D`],
    ["twilio-api-key", `SK${t.pick(r, t.HEX, 32)}`],
    ["sendgrid-api-key", `SG.${t.pick(r, t.B64URL, 22)}.${t.pick(r, t.B64URL, 43)}`],
    ["mailgun-api-key", `key-${t.pick(r, t.HEX, 32)}`],
    ["mailchimp-api-key", `${t.pick(r, t.HEX, 32)}-us14`],
    ["pypi-token", `pypi-AgEIcHlwaS5vcmc${t.pick(r, t.B64URL, 120)}`],
    ["huggingface-token", `hf_${t.pick(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 34)}`],
    ["digitalocean-token", `dop_v1_${t.pick(r, t.HEX, 64)}`],
    ["vault-token", `hvs.${t.pick(r, t.B64URL, 92)}`],
    ["terraform-cloud-token", `${t.pick(r, t.ALNUM, 14)}.atlasv1.${t.pick(r, t.ALNUM, 67)}`],
    ["databricks-token", `dapi${t.pick(r, t.HEX, 32)}`],
    ["doppler-token", `dp.pt.${t.pick(r, t.ALNUM, 43)}`],
    ["dockerhub-token", `dckr_pat_${t.pick(r, t.ALNUM, 27)}`],
    ["shopify-token", `shpat_${t.pick(r, t.HEX, 32)}`],
    ["sentry-token", `sntryu_${t.pick(r, t.HEX, 64)}`],
    ["postman-api-key", `PMAK-${t.pick(r, t.HEX, 24)}-${t.pick(r, t.HEX, 34)}`],
    ["pulumi-token", `pul-${t.pick(r, t.HEX, 40)}`],
    ["rubygems-token", `rubygems_${t.pick(r, t.HEX, 48)}`],
    ["linear-api-key", `lin_api_${t.pick(r, t.ALNUM, 40)}`],
    ["heroku-api-key", `HRKU-AA${t.pick(r, t.B64URL, 58)}`],
    ["newrelic-user-key", `NRAK-${t.pick(r, t.UPPER32, 27)}`],
    ["dynatrace-token", `dt0c01.${t.pick(r, t.UPPER32, 24)}.${t.pick(r, t.UPPER32, 64)}`],
    [
      "1password-service-account-token",
      `ops_${Buffer.from(JSON.stringify({ signInAddress: "acme.1password.com", userAuth: { method: "SRPg-4096", alg: "PBES2g-HS256", iterations: 650000, salt: t.pick(r, t.B64URL, 22) }, email: "svc@acme.test", srpX: t.pick(r, t.HEX, 64), muk: { alg: "A256GCM", ext: true, k: t.pick(r, t.B64URL, 43), key_ops: ["encrypt", "decrypt"], kty: "oct", kid: "mp" } })).toString("base64url")}`,
    ],
  ]
  const saasLines = saas.map(([id, tok]) =>
    id === "azure-sas-token"
      ? `AZURE_BLOB_URL=https://acme.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&${tok}`
      : id === "azure-storage-key"
        ? `AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=acme;${tok};EndpointSuffix=core.windows.net`
        : `${id.toUpperCase().replace(/-/g, "_")}=${tok}`,
  )
  pos(
    "positives/saas.env",
    saasLines.join("\n") + "\n",
    saas.map(([id, tok]) => P(id === "azure-sas-token" ? `&${tok}` : tok, id, "high")),
  )

  const gPw = t.password(r, 24)
  const gSecret = t.password(r, 32)
  pos("positives/values.yaml", `auth:\n  username: admin\n  password: "${gPw}"\n`, [
    P(gPw, "generic-secret", "low"),
  ])
  pos("positives/app.ini", `[oauth]\nclient_id = acme-web\nclient_secret = ${gSecret}\n`, [
    P(gSecret, "generic-secret", "low"),
  ])

  // ---- look-alikes: right shape, wrong checksum or structure ----------------------------------
  neg(
    "lookalikes/tokens.env",
    [
      `GITHUB_TOKEN=${t.breakLast(t.githubToken(r))}`,
      `NPM_TOKEN=${t.breakLast(t.npmToken(r))}`,
      `GITLAB=${t.breakLast(t.gitlabRoutable(r))}`,
      `GRAFANA=${t.breakLast(t.grafanaServiceAccount(r))}`,
      `JIRA=${t.breakLast(t.atlassianApiToken(r))}`,
      `BITBUCKET=${t.breakLast(t.bitbucketAppPassword(r))}`,
      `AGE=${t.breakLast(t.ageSecretKey(r))}`,
      `JWT=eyJub3QganNvbg.eyJzdWIiOiIxIn0.${t.pick(r, t.B64URL, 43)}`,
      `STRIPE=sk_live_111111111111111111111111`,
      "",
    ].join("\n"),
    "lookalike",
  )
  neg(
    "lookalikes/keys.txt",
    [
      t.pgpPrivateKeyBlock(r, true),
      t.openSshPrivateKey(r, true),
      rsa
        .replace(/\n[A-Za-z0-9+/]{64}\n/, "\n" + "A".repeat(64) + "\n")
        .replace(/(\n[A-Za-z0-9+/]{10})[A-Za-z0-9+/]{20}/, "$1" + "B".repeat(20)),
      "",
    ].join("\n"),
    "lookalike",
  )
  traps(r, files, negatives)
  return { files, positives, negatives }
}

function traps(
  r: t.Rng,
  files: Map<string, string>,
  out: { path: string; kind: "trap" | "lookalike" }[],
): void {
  const add = (path: string, text: string): void => {
    files.set(path, text)
    out.push({ path, kind: "trap" })
  }
  const sha512 = (): string => `sha512-${Buffer.from(t.pick(r, t.HEX, 128), "hex").toString("base64")}`
  const pkgs = [
    "js-tokens",
    "@octokit/auth-token",
    "safe-buffer",
    "secret-handshake",
    "passport-local",
    "jsonwebtoken",
    "aws-sdk",
    "keygrip",
  ]
  const lock = {
    name: "web",
    version: "1.0.0",
    lockfileVersion: 3,
    requires: true,
    packages: Object.fromEntries(
      pkgs.map((p) => [
        `node_modules/${p}`,
        {
          version: "4.0.0",
          resolved: `https://registry.npmjs.org/${p}/-/${p.split("/").pop() ?? p}-4.0.0.tgz`,
          integrity: sha512(),
          license: "MIT",
        },
      ]),
    ),
  }
  add("traps/package-lock.json", JSON.stringify(lock, null, 2) + "\n")
  add(
    "traps/yarn.lock",
    pkgs
      .map(
        (p) =>
          `"${p}@^4.0.0":\n  version "4.0.0"\n  resolved "https://registry.yarnpkg.com/${p}/-/${p.split("/").pop() ?? p}-4.0.0.tgz#${t.pick(r, t.HEX, 40)}"\n  integrity ${sha512()}\n`,
      )
      .join("\n"),
  )
  add(
    "traps/pnpm-lock.yaml",
    `lockfileVersion: '9.0'\npackages:\n` +
      pkgs.map((p) => `  ${p}@4.0.0:\n    resolution: {integrity: ${sha512()}}\n`).join(""),
  )
  add(
    "traps/index.html",
    `<script src="https://cdn.example.net/app.js" integrity="sha384-${Buffer.from(t.pick(r, t.HEX, 96), "hex").toString("base64")}" crossorigin="anonymous"></script>\n` +
      `<link rel="icon" href="data:image/png;base64,${t.pick(r, t.B64, 400)}=">\n`,
  )
  add(
    "traps/ids.yaml",
    `tenant_id: ${uuid(r)}\napi_key_id: ${uuid(r)}\ntoken: ${uuid(r)}\nclient_secret_id: ${uuid(r)}\nsubscription: ${uuid(r)}\n`,
  )
  add(
    "traps/CHANGELOG.md",
    `## 1.2.0\n\n- fix token refresh (commit ${t.pick(r, t.HEX, 40)})\n- rotate secret handling, see ${t.pick(r, t.HEX, 40)}\n\nsecret_sha256: ${t.pick(r, t.HEX, 64)}\ntoken_md5 = ${t.pick(r, t.HEX, 32)}\npassword_hash: ${t.pick(r, t.HEX, 128)}\n`,
  )
  add(
    "traps/go.sum",
    `github.com/golang-jwt/jwt/v5 v5.2.1 h1:${t.pick(r, t.B64, 43)}=\ngithub.com/golang-jwt/jwt/v5 v5.2.1/go.mod h1:${t.pick(r, t.B64, 43)}=\n`,
  )
  const here = join(import.meta.dirname, "../fixtures")
  add("traps/secrets.enc.yaml", readFileSync(join(here, "vectors/age-pr1031/example.yaml"), "utf8"))
  add("traps/edge.enc.yaml", readFileSync(join(here, "sops-edge/edge.sops-sealed.yaml"), "utf8"))
  add("traps/config.enc.json", readFileSync(join(here, "vectors/age-pr1031/example.json"), "utf8"))
  add(
    "traps/styles.css",
    `.logo { background: url("data:image/png;base64,${t.pick(r, t.B64, 600)}=="); }\n.icon { mask: url(data:image/svg+xml;base64,${t.pick(r, t.B64, 300)}); }\n`,
  )
  add(
    "traps/README.md",
    [
      "# Configuration",
      "",
      "```yaml",
      "password: changeme",
      "api_key: <your-api-key>",
      "token: ${GITHUB_TOKEN}",
      "secret: {{ .Values.secret }}",
      "client_secret: YOUR_CLIENT_SECRET_HERE",
      "```",
      "",
      "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
      "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "DATABASE_URL=postgres://user:password@localhost:5432/app",
      "REDIS_URL=redis://:s3cr3t-dev-Pw@localhost:6379",
      "STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
      "",
      "-----BEGIN RSA PRIVATE KEY-----",
      "...",
      "-----END RSA PRIVATE KEY-----",
      "",
      "Set `password = os.environ['DB_PASSWORD']` or `token = process.env.API_TOKEN`.",
      "",
    ].join("\n"),
  )
  add(
    "traps/bundle.min.js",
    `var token=e.token,secret=this.secret;function f(n){return n.password=n.password||"",n.apiKey=process.env.API_KEY}` +
      `const tokens=tokenize(src);let secretKey=options.secretKey;password:e.password,accessToken:t.accessToken;` +
      `if(token===tokens[0]){}var pwd=document.getElementById("pwd").value;` +
      `const passwordRegex=/^(?=.*[A-Z])(?=.*[0-9]).{8,}$/;const tokenType="Bearer";\n` +
      `const token = res.auth?.client_token\nconst cfg = { hashKeySecret: "sb/sealbridge-hash-key", password: "demo-pass-1" }\n`,
  )
  add(
    "traps/deployment.yaml",
    `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db-credentials\n                  key: password\n      volumes:\n        - name: tls\n          secret:\n            secretName: web-tls-2026\n`,
  )
}

function uuid(r: t.Rng): string {
  const h = t.pick(r, t.HEX, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`
}
