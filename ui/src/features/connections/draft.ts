// The profile form's state and its mapping to the wire. Secrets are `SecretInput`s: the form
// never holds a stored secret, only a new value the operator typed, and `keep` by default.
import type { EsAuth, ProfileInput, ProfileView, SecretInput } from "../../platform";
import type { MessageKey } from "../../i18n";

export type KeyspaceKind = "embedded" | "redis";

export interface Draft {
  name: string;
  readOnly: boolean;
  keyspace: KeyspaceKind;
  embedded: string;
  redisUrl: string;
  redisUser: string;
  redisDb: string;
  redisTls: boolean;
  redisPassword: SecretInput;
  esOn: boolean;
  esUrl: string;
  esAuth: EsAuth;
  esUser: string;
  esSecret: SecretInput;
  sqlOn: boolean;
  sqlUrl: string;
  sqlPassword: SecretInput;
}

/** Which secrets the keychain already holds for the profile being edited. */
export interface Stored {
  redisPassword: boolean;
  esSecret: boolean;
  sqlPassword: boolean;
}

const KEEP: SecretInput = { kind: "keep" };

export function newDraft(): Draft {
  return {
    name: "",
    readOnly: false,
    keyspace: "redis",
    embedded: "",
    redisUrl: "",
    redisUser: "",
    redisDb: "",
    redisTls: false,
    redisPassword: KEEP,
    esOn: false,
    esUrl: "",
    esAuth: "none",
    esUser: "",
    esSecret: KEEP,
    sqlOn: false,
    sqlUrl: "",
    sqlPassword: KEEP,
  };
}

export function draftFromView(view: ProfileView): Draft {
  return {
    name: view.name,
    readOnly: view.read_only,
    keyspace: view.redis ? "redis" : "embedded",
    embedded: view.embedded ?? "",
    redisUrl: view.redis?.url ?? "",
    redisUser: view.redis?.username ?? "",
    redisDb: view.redis?.db === null || view.redis?.db === undefined ? "" : String(view.redis.db),
    redisTls: view.redis?.tls ?? false,
    redisPassword: KEEP,
    esOn: view.es !== null,
    esUrl: view.es?.url ?? "",
    esAuth: view.es?.auth ?? "none",
    esUser: view.es?.username ?? "",
    esSecret: KEEP,
    sqlOn: view.sql !== null,
    sqlUrl: view.sql?.url ?? "",
    sqlPassword: KEEP,
  };
}

export function storedFromView(view: ProfileView | null): Stored {
  return {
    redisPassword: view?.redis?.has_password ?? false,
    esSecret: view?.es?.has_secret ?? false,
    sqlPassword: view?.sql?.has_password ?? false,
  };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function toInput(d: Draft, stored: Stored): ProfileInput {
  return {
    name: d.name.trim(),
    read_only: d.readOnly,
    embedded: d.keyspace === "embedded" ? orNull(d.embedded) : null,
    redis:
      d.keyspace === "redis"
        ? {
            url: d.redisUrl.trim(),
            username: orNull(d.redisUser),
            db: d.redisDb.trim() === "" ? null : Number(d.redisDb),
            tls: d.redisTls || d.redisUrl.trim().startsWith("rediss://"),
            password: d.redisPassword,
          }
        : null,
    es: d.esOn
      ? {
          url: d.esUrl.trim(),
          auth: d.esAuth,
          username: d.esAuth === "basic" ? orNull(d.esUser) : null,
          // No authentication leaves nothing to keep in the keychain.
          secret: d.esAuth === "none" ? (stored.esSecret ? { kind: "clear" } : KEEP) : d.esSecret,
        }
      : null,
    sql: d.sqlOn ? { url: d.sqlUrl.trim(), password: d.sqlPassword } : null,
  };
}

export type DraftErrors = Partial<Record<keyof Draft, MessageKey>>;

/** `scheme://[user[:password]@]host…`: a password inside a URL would end up in the profile
 *  file in clear, so it is refused and pointed to its own field. */
function urlError(url: string, schemes: readonly string[]): MessageKey | undefined {
  const value = url.trim();
  if (value === "") return "profile.error.required";
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#@]*)/i.exec(value);
  const scheme = (m?.[1] ?? "").toLowerCase();
  if (!m || !schemes.includes(scheme)) return "profile.error.url_scheme";
  // sqlite:///path has no host; every server URL needs one.
  if (scheme !== "sqlite" && (m[3] ?? "") === "") return "profile.error.url_scheme";
  if ((m[2] ?? "").includes(":")) return "profile.error.url_password";
  return undefined;
}

const REDIS_SCHEMES = ["redis", "rediss"] as const;
const ES_SCHEMES = ["http", "https"] as const;
const SQL_SCHEMES = ["postgres", "postgresql", "mysql", "mariadb", "sqlite"] as const;

export function validate(d: Draft, isNew: boolean, takenNames: readonly string[]): DraftErrors {
  const errors: DraftErrors = {};
  const name = d.name.trim();
  if (name === "") errors.name = "profile.error.required";
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) errors.name = "profile.error.name";
  else if (isNew && takenNames.includes(name)) errors.name = "profile.error.name_taken";

  if (d.keyspace === "embedded") {
    if (d.embedded.trim() === "") errors.embedded = "profile.error.required";
  } else {
    const e = urlError(d.redisUrl, REDIS_SCHEMES);
    if (e) errors.redisUrl = e;
    if (d.redisDb.trim() !== "" && !/^\d{1,5}$/.test(d.redisDb.trim())) errors.redisDb = "profile.error.db";
    if (d.redisPassword.kind === "set" && d.redisPassword.value === "") errors.redisPassword = "profile.error.secret_empty";
  }
  if (d.esOn) {
    const e = urlError(d.esUrl, ES_SCHEMES);
    if (e) errors.esUrl = e;
    if (d.esAuth === "basic" && d.esUser.trim() === "") errors.esUser = "profile.error.required";
    if (d.esAuth !== "none" && d.esSecret.kind === "set" && d.esSecret.value === "") errors.esSecret = "profile.error.secret_empty";
  }
  if (d.sqlOn) {
    const e = urlError(d.sqlUrl, SQL_SCHEMES);
    if (e) errors.sqlUrl = e;
    if (d.sqlPassword.kind === "set" && d.sqlPassword.value === "") errors.sqlPassword = "profile.error.secret_empty";
  }
  return errors;
}

/** Unsaved changes? Compared on the wire shape, so a secret being replaced counts. */
export function isDirty(d: Draft, initial: Draft): boolean {
  return JSON.stringify(d) !== JSON.stringify(initial);
}
