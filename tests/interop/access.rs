//! Access administration against the service's own code: what the console enrols, revokes,
//! issues, deactivates, unlocks or blocks is read by the Python peers exactly as the seed reads
//! it, and TOTP codes from two independent generators (pyotp, Debian's `oathtool`) confirm the
//! console's enrolment.

use std::sync::Arc;

use chrono::Duration;
use rampart_core::access::apikeys::IssueRequest;
use rampart_core::access::Access;
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::{SystemClock, Ttl};
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::mfa::MfaRecord;
use rampart_domain::time::parse_naive_iso;
use rand::SeedableRng;
use secrecy::SecretString;
use serde_json::{json, Value};

use super::{env, get_str, now, peer, Env};

struct Rig {
    e: Env,
    access: Access,
    audit: AuditWriter,
    officer: Operator,
    rng: rand::rngs::StdRng,
}

async fn rig(seed: u64) -> Rig {
    let e = env().await;
    let ks = e.ks.clone();
    let audit = AuditWriter::new(
        Some(ks.clone()),
        None,
        Trail::new(ks.clone()),
        Arc::new(SystemClock),
        Box::new(rand::rngs::StdRng::seed_from_u64(seed)),
    );
    Rig {
        access: Access::new(ks, None, Arc::new(SystemClock)),
        audit,
        officer: Operator {
            id: "user_officer".into(),
            role: ConsoleRole::SecurityOfficer,
            authenticated_by: "sign_in".into(),
        },
        rng: rand::rngs::StdRng::seed_from_u64(seed + 1000),
        e,
    }
}

/// A user registered by the service itself (`register_user`).
fn register(r: &Rig, email: &str, role: &str) -> String {
    let out = peer(
        &r.e.url,
        &[
            "register-user",
            "--email",
            email,
            "--username",
            "테스트 사용자",
            "--role",
            role,
        ],
        Some("pw-0123456789-long"),
    );
    out["user_id"].as_str().expect("registered").to_string()
}

/// The code pyotp shows now for `secret`.
fn pyotp_code(r: &Rig, secret: &str) -> String {
    peer(&r.e.url, &["totp-now", "--secret", secret], None)["code"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The code Debian's oathtool shows now for `secret` (an implementation independent of pyotp
/// and of Rampart).
fn oathtool_code(secret: &str) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", secret])
        .output()
        .expect("oathtool is installed (scripts/deps.sh)");
    assert!(out.status.success(), "oathtool failed: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The 3-step window means a code read just before a step boundary is still accepted a moment
/// later; wait out the last 2 s of a step so the generator and the check agree on the step.
async fn away_from_step_edge() {
    let into = chrono::Utc::now().timestamp() % 30;
    if into >= 28 {
        tokio::time::sleep(std::time::Duration::from_secs((31 - into) as u64)).await;
    }
}

#[tokio::test]
async fn a_pyotp_code_confirms_the_console_enrolment_and_the_service_verifies_it() {
    let mut r = rig(41).await;
    let id = register(&r, "mfa-pyotp@example.com", "admin");
    let enrol = r
        .access
        .begin_enrollment(&r.audit, &r.officer, &id, &mut r.rng)
        .await
        .unwrap();
    let shown = enrol.reveal();
    assert_eq!(shown.secret.len(), 32, "pyotp.random_base32() length");
    assert_eq!(
        shown.uri,
        format!(
            "otpauth://totp/Stock%20Analysis%20App:user_{id}?secret={}&issuer=Stock%20Analysis%20App",
            shown.secret
        ),
        "issuer and the doubled user_user_ label exactly as setup_mfa builds them"
    );
    match r.e.ks.ttl(&keys::mfa_setup(&id)).await.unwrap() {
        Ttl::Millis(ms) => assert!((590_000..=600_000).contains(&ms), "SETEX 600: {ms}"),
        t => panic!("mfa_setup must expire like setup_mfa's: {t:?}"),
    }

    away_from_step_edge().await;
    let code = pyotp_code(&r, &shown.secret);
    let codes = r
        .access
        .confirm_enrollment(&r.audit, &r.officer, &id, &SecretString::from(code.clone()))
        .await
        .expect("a pyotp code confirms");
    let codes = codes.reveal();
    assert_eq!(codes.len(), 10, "ten backup codes, shown once");

    // Written exactly as verify_and_enable_mfa writes it.
    let raw = get_str(&*r.e.ks, &keys::mfa(&id)).await;
    assert!(
        raw.starts_with(&format!(
            "{{'secret_key': '{}', 'backup_codes': ['{}', ",
            shown.secret, codes[0]
        )) && raw.contains("'enabled_at': '"),
        "py-repr with keys in the seed's order: {raw}"
    );
    let fields = r.e.ks.hget(&keys::user(&id), "mfa_enabled").await.unwrap();
    assert_eq!(fields.as_deref(), Some(&b"true"[..]), "lower-case true");
    assert!(
        r.e.ks.get(&keys::mfa_setup(&id)).await.unwrap().is_none(),
        "setup deleted"
    );
    let user = peer(&r.e.url, &["get-user", "--id", &id], None);
    assert_eq!(
        user["mfa_enabled"], true,
        "the service loads the user with MFA on: {user}"
    );

    // The service's verify_mfa_code accepts the console-enrolled secret...
    let now_code = pyotp_code(&r, &shown.secret);
    assert_eq!(
        peer(
            &r.e.url,
            &["verify-mfa", "--id", &id, "--code", &now_code],
            None
        )["ok"],
        true
    );
    // ...and a backup code exactly once.
    let once = peer(
        &r.e.url,
        &["verify-mfa", "--id", &id, "--code", &codes[4]],
        None,
    );
    assert_eq!(once["ok"], true, "a backup code works: {once}");
    let twice = peer(
        &r.e.url,
        &["verify-mfa", "--id", &id, "--code", &codes[4]],
        None,
    );
    assert_eq!(twice["ok"], false, "and only once");
    let after = MfaRecord::parse(get_str(&*r.e.ks, &keys::mfa(&id)).await.as_bytes()).unwrap();
    assert_eq!(after.backup_codes().len(), 9);

    // Regenerated codes replace the list; the service accepts a new one, not an old one.
    let fresh = r
        .access
        .regenerate_backup_codes(&r.audit, &r.officer, &id, &mut r.rng)
        .await
        .unwrap()
        .reveal();
    assert_eq!(fresh.len(), 10);
    assert_eq!(
        peer(
            &r.e.url,
            &["verify-mfa", "--id", &id, "--code", &codes[0]],
            None
        )["ok"],
        false,
        "old codes are gone"
    );
    assert_eq!(
        peer(
            &r.e.url,
            &["verify-mfa", "--id", &id, "--code", &fresh[9]],
            None
        )["ok"],
        true,
        "new codes work"
    );

    // Reset as disable_mfa does: the record goes, the flag reads false.
    assert!(r
        .access
        .reset_mfa(
            &r.audit,
            &r.officer,
            &id,
            "phone lost; identity checked by call-back"
        )
        .await
        .unwrap());
    assert!(r.e.ks.get(&keys::mfa(&id)).await.unwrap().is_none());
    let user = peer(&r.e.url, &["get-user", "--id", &id], None);
    assert_eq!(user["mfa_enabled"], false, "{user}");
    assert_eq!(
        r.e.ks
            .hget(&keys::user(&id), "mfa_enabled")
            .await
            .unwrap()
            .as_deref(),
        Some(&b"false"[..]),
        "lower-case false, as disable_mfa writes"
    );
}

#[tokio::test]
async fn an_oathtool_code_confirms_the_console_enrolment() {
    let mut r = rig(42).await;
    let id = register(&r, "mfa-oath@example.com", "basic_user");
    let shown = r
        .access
        .begin_enrollment(&r.audit, &r.officer, "mfa-oath@example.com", &mut r.rng)
        .await
        .unwrap()
        .reveal();
    away_from_step_edge().await;
    let code = oathtool_code(&shown.secret);
    assert_eq!(code.len(), 6, "oathtool prints 6 digits: {code}");
    r.access
        .confirm_enrollment(&r.audit, &r.officer, &id, &SecretString::from(code))
        .await
        .expect("an oathtool code confirms");
    let again = oathtool_code(&shown.secret);
    assert_eq!(
        peer(
            &r.e.url,
            &["verify-mfa", "--id", &id, "--code", &again],
            None
        )["ok"],
        true,
        "the service verifies oathtool's code against the console-enrolled secret"
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_no_longer_refreshes_in_the_service() {
    let r = rig(43).await;
    let id = register(&r, "sessions@example.com", "premium_user");
    let a = peer(&r.e.url, &["create-refresh", "--id", &id], None);
    let b = peer(&r.e.url, &["create-refresh", "--id", &id], None);
    let (jwt_a, tid_a) = (a["jwt"].as_str().unwrap(), a["token_id"].as_str().unwrap());
    let jwt_b = b["jwt"].as_str().unwrap();

    let list = r.access.list_sessions(&id).await.unwrap();
    assert_eq!(list.sessions.len(), 2);
    for s in &list.sessions {
        assert!(
            s.token.ends_with('…') && s.token.chars().count() == 7,
            "masked: {}",
            s.token
        );
        assert!(
            s.ttl_secs.is_some_and(|t| t > 604_000 && t <= 604_800),
            "{s:?}"
        );
    }
    let listed = serde_json::to_string(&list).unwrap();
    assert!(!listed.contains(tid_a), "no full token id in a listing");

    let revoked = r
        .access
        .revoke_session(&r.audit, &r.officer, &id, &tid_a[..6])
        .await
        .unwrap();
    assert_eq!(revoked.tokens, vec![format!("{}…", &tid_a[..6])]);
    assert_eq!(
        peer(&r.e.url, &["refresh", "--jwt", jwt_a], None)["ok"],
        false,
        "the revoked token is gone for the service"
    );
    assert_eq!(
        peer(&r.e.url, &["refresh", "--jwt", jwt_b], None)["ok"],
        true,
        "the other session still works"
    );
    let all = r
        .access
        .revoke_all_sessions(&r.audit, &r.officer, &id)
        .await
        .unwrap();
    assert_eq!(all.tokens.len(), 1);
    assert_eq!(
        peer(&r.e.url, &["refresh", "--jwt", jwt_b], None)["ok"],
        false
    );

    // The audit trail never holds a full token id.
    let trail = r.audit.trail().recent(0, 10).await.unwrap();
    let text = format!("{:?}", trail);
    assert!(!text.contains(tid_a), "audit details mask token ids");
}

#[tokio::test]
async fn an_issued_api_key_validates_until_deactivated_revoked_or_expired() {
    let mut r = rig(44).await;
    let id = register(&r, "apikeys@example.com", "premium_user");
    let req = IssueRequest {
        user: id.clone(),
        permissions: Some(vec!["read_stock_data".into(), "export_data".into()]),
        usage_limit: 3,
        rate_limit: 50,
        expires_at: None,
    };
    let issued = r
        .access
        .issue_api_key(&r.audit, &r.officer, &req, &mut r.rng)
        .await
        .unwrap();
    let shown = issued.reveal();
    // `--key=…` in one argument: token_urlsafe keys may start with `-`, which argparse would
    // take for an option.
    let ok = peer(
        &r.e.url,
        &["validate-api-key", &format!("--key={}", shown.api_key)],
        None,
    );
    assert_eq!(
        ok["result"],
        json!({"key_id": shown.key_id, "user_id": id, "permissions": ["read_stock_data", "export_data"], "rate_limit": 50}),
        "validate_api_key accepts the key: {ok}"
    );

    let listing = r.access.list_api_keys(Some(&id)).await.unwrap();
    assert_eq!(listing.keys.len(), 1);
    let k = &listing.keys[0];
    assert_eq!(
        (k.usage, k.usage_limit.as_str()),
        (Some(1), "3"),
        "usage against quota"
    );
    assert!(k.usage_ttl_secs.is_some_and(|t| t > 86_000), "{k:?}");
    let text = serde_json::to_string(&listing).unwrap();
    assert!(
        !text.contains(&shown.api_key),
        "a listing never shows the key"
    );

    let refused = |r: &Rig, why: &str| {
        let v: Value = peer(
            &r.e.url,
            &["validate-api-key", &format!("--key={}", shown.api_key)],
            None,
        );
        assert_eq!(v["result"], Value::Null, "{why}: {v}");
    };
    r.access
        .set_api_key_active(&r.audit, &r.officer, &shown.handle, false)
        .await
        .unwrap();
    assert_eq!(
        r.e.ks
            .hget(&keys::api_key(&shown.api_key), "is_active")
            .await
            .unwrap()
            .as_deref(),
        Some(&b"false"[..])
    );
    refused(&r, "deactivated");
    r.access
        .set_api_key_active(&r.audit, &r.officer, &shown.key_id, true)
        .await
        .unwrap();
    assert_ne!(
        peer(
            &r.e.url,
            &["validate-api-key", &format!("--key={}", shown.api_key)],
            None
        )["result"],
        Value::Null,
        "reactivated (is_active = true, lower case)"
    );
    r.access
        .revoke_api_key(&r.audit, &r.officer, &shown.handle)
        .await
        .unwrap();
    refused(&r, "revoked");
    assert!(r
        .e
        .ks
        .get(&keys::api_usage(&shown.api_key))
        .await
        .unwrap()
        .is_none());

    // An expired key: issued to expire in 1 s, refused once that passes.
    let req = IssueRequest {
        expires_at: Some(now() + Duration::seconds(1)),
        ..req
    };
    let short = r
        .access
        .issue_api_key(&r.audit, &r.officer, &req, &mut r.rng)
        .await
        .unwrap()
        .reveal();
    let exp =
        r.e.ks
            .hget(&keys::api_key(&short.api_key), "expires_at")
            .await
            .unwrap()
            .unwrap();
    parse_naive_iso(std::str::from_utf8(&exp).unwrap()).expect("naive ISO, no offset");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let v = peer(
        &r.e.url,
        &["validate-api-key", &format!("--key={}", short.api_key)],
        None,
    );
    assert_eq!(v["result"], Value::Null, "expired: {v}");
    assert!(
        v.get("error").is_none(),
        "no TypeError from an aware date: {v}"
    );
}

#[tokio::test]
async fn locks_and_blocks_the_service_writes_are_listed_with_time_left_and_lifted() {
    let r = rig(45).await;
    let id = register(&r, "locked@example.com", "basic_user");
    let ip = "2001:db8:bad::7";
    for _ in 0..3 {
        peer(
            &r.e.url,
            &[
                "log-event",
                "--type",
                "user_login",
                "--ip",
                ip,
                "--user-id",
                &id,
                "--action",
                "login",
                "--result",
                "failure",
            ],
            None,
        );
    }
    peer(
        &r.e.url,
        &["lock-account", "--id", &id, "--minutes", "15"],
        None,
    );
    peer(&r.e.url, &["block-ip", "--ip", ip, "--minutes", "30"], None);

    let locks = r.access.list_locks(true).await.unwrap();
    let lock = locks
        .iter()
        .find(|l| l.subject == id)
        .expect("the lock is listed");
    assert!(lock.until_readable);
    assert!(
        lock.ttl_secs.is_some_and(|t| t > 890 && t <= 900),
        "{lock:?}"
    );
    assert_eq!(
        lock.causes.len(),
        3,
        "the login failures behind it: {lock:?}"
    );
    assert!(lock
        .causes
        .iter()
        .all(|c| c.event_type == "user_login" && c.result == "failure"));

    let blocks = r.access.list_blocks(true).await.unwrap();
    let block = blocks
        .iter()
        .find(|b| b.subject == ip)
        .expect("IPv6 block listed");
    assert!(
        block.ttl_secs.is_some_and(|t| t > 1790 && t <= 1800),
        "{block:?}"
    );
    assert_eq!(block.causes.len(), 3);
    assert_eq!(
        block.origin,
        Some(rampart_domain::limits::BlockOrigin::Service),
        "the Python peer's block, with its failures on record, is the service's"
    );

    r.access
        .unlock_account(&r.audit, &r.officer, &id, "user verified by phone")
        .await
        .unwrap();
    let raw = peer(
        &r.e.url,
        &["raw-get", "--key", &keys::account_lock(&id)],
        None,
    );
    assert_eq!(raw["type"], "none", "unlocked: {raw}");
    r.access
        .unblock_ip(&r.audit, &r.officer, ip, "office NAT")
        .await
        .unwrap();
    assert_eq!(
        peer(&r.e.url, &["raw-get", "--key", &keys::ip_block(ip)], None)["type"],
        "none"
    );

    // A manual block has the shape _block_ip_address writes.
    peer(
        &r.e.url,
        &["block-ip", "--ip", "198.51.100.1", "--minutes", "30"],
        None,
    );
    r.access
        .block_ip(&r.audit, &r.officer, "198.51.100.2", 30, "scanner")
        .await
        .unwrap();
    let theirs = peer(
        &r.e.url,
        &["raw-get", "--key", "ip_block:198.51.100.1"],
        None,
    );
    let mine = peer(
        &r.e.url,
        &["raw-get", "--key", "ip_block:198.51.100.2"],
        None,
    );
    assert_eq!(mine["type"], theirs["type"]);
    let (a, b) = (
        theirs["value"].as_str().unwrap(),
        mine["value"].as_str().unwrap(),
    );
    assert_eq!(a.len(), b.len(), "same naive ISO shape: {a} vs {b}");
    let (ta, tb) = (parse_naive_iso(a).unwrap(), parse_naive_iso(b).unwrap());
    assert!(
        (tb - ta).num_seconds().abs() < 30,
        "both end ~30 minutes from now"
    );
    assert!(
        (mine["ttl"].as_i64().unwrap() - theirs["ttl"].as_i64().unwrap()).abs() <= 2,
        "same TTL: {mine} {theirs}"
    );
}
