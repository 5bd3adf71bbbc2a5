// Secrets hygiene: where a secret may be (the OS keychain) and where it must not be (any file).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const run = promisify(execFile);

/** Every regular file under `roots` (symlinks are not followed). */
export function filesUnder(roots) {
  const out = [];
  const walk = (p) => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return; // vanished (a socket or a temp file removed while we walk)
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(path.join(p, name));
    else if (st.isFile()) out.push(p);
  };
  for (const r of roots) walk(r);
  return [...new Set(out)].sort();
}

/**
 * Which needles appear in which files. A needle is { label, value, allowedIn? (file => bool) };
 * it is searched as UTF-8 and as UTF-16LE (WebKit's local storage and some SQLite text are
 * UTF-16). Returns [{ file, label, encoding }] — never the secret itself.
 */
export function findSecrets(files, needles) {
  const hits = [];
  const patterns = needles.flatMap((n) => [
    { ...n, encoding: "utf8", bytes: Buffer.from(n.value, "utf8") },
    { ...n, encoding: "utf16le", bytes: Buffer.from(n.value, "utf16le") },
  ]);
  for (const file of files) {
    let data;
    try {
      data = readFileSync(file);
    } catch {
      continue;
    }
    for (const p of patterns) {
      if (p.allowedIn?.(file)) continue;
      if (data.indexOf(p.bytes) >= 0) hits.push({ file, label: p.label, encoding: p.encoding });
    }
  }
  return hits;
}

async function gdbus(objectPath, method, ...args) {
  const { stdout } = await run("gdbus", ["call", "--session", "--dest", "org.freedesktop.secrets", "--object-path", objectPath, "--method", method, ...args]);
  return stdout;
}

const unquote = (s) => s.replace(/\\(.)/g, "$1");

/** Every item of every Secret Service collection: [{ path, label, attributes }]. */
export async function keychainItems() {
  const cols = await gdbus("/org/freedesktop/secrets", "org.freedesktop.DBus.Properties.Get", "org.freedesktop.Secret.Service", "Collections");
  const items = [];
  for (const col of cols.match(/\/org\/freedesktop\/secrets\/collection\/[\w/]+/g) ?? []) {
    const list = await gdbus(col, "org.freedesktop.DBus.Properties.Get", "org.freedesktop.Secret.Collection", "Items");
    for (const item of list.match(/\/org\/freedesktop\/secrets\/collection\/\w+\/\w+/g) ?? []) {
      const props = await gdbus(item, "org.freedesktop.DBus.Properties.GetAll", "org.freedesktop.Secret.Item");
      const attrText = /'Attributes': <\{(.*?)\}>/.exec(props)?.[1] ?? "";
      const attributes = {};
      for (const m of attrText.matchAll(/'((?:[^'\\]|\\.)*)': '((?:[^'\\]|\\.)*)'/g)) attributes[unquote(m[1])] = unquote(m[2]);
      const label = unquote(/'Label': <'((?:[^'\\]|\\.)*)'>/.exec(props)?.[1] ?? "");
      items.push({ path: item, label, attributes });
    }
  }
  return items;
}

/** The secret of the item with exactly these attributes (secret-tool lookup). */
export async function keychainSecret(attributes) {
  const args = Object.entries(attributes).flat();
  if (args.length === 0) return null;
  try {
    const { stdout } = await run("secret-tool", ["lookup", ...args]);
    return stdout;
  } catch {
    return null;
  }
}
