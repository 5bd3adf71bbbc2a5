//! Deterministic demo data in the seed's formats: the same `--seed` and `now` give the same
//! bytes. Generation is pure (no I/O); `load` applies it through the ports in resumable chunks.
//!
//! What a demo contains, and why: all four roles; Korean, other-script and ASCII names and
//! e-mails; MFA in every state (none, pending setup, enabled, disabled after a change);
//! sessions; API keys valid, expired, inactive and over quota; data keys of the four purposes
//! with rotation history; login-failure bursts with the locks and IP blocks they cause (recent
//! ones still live); rate-limit counters and IP reputations; 90+ days of audit events of all
//! 11 types; PII records with Korean RRNs and phone numbers.
//!
//! Demo users share a handful of precomputed bcrypt hashes: hashing 10,000 passwords at cost
//! 12 would take ~40 minutes. Every hash is a real `$2b$12$` hash the service verifies.

use chrono::{Duration, NaiveDateTime};
use rampart_domain::apikey::{self, ApiKeyRecord};
use rampart_domain::audit::{self, AuditEvent, SEED_EVENT_TYPES};
use rampart_domain::console::{ConsoleRole, Grant, OPERATORS_KEY};
use rampart_domain::ids;
use rampart_domain::keyrecord::{self, KeyRecord, PURPOSES, ROTATION_DAYS};
use rampart_domain::keys;
use rampart_domain::limits;
use rampart_domain::mfa::{self, MfaRecord};
use rampart_domain::token::{RefreshRecord, REFRESH_TTL_SECS};
use rampart_domain::totp;
use rampart_domain::user::{self, mfa_flag_after_change, Role};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::audit::seed_event_writes;
use crate::ports::Write;

/// Events per resumable chunk.
pub const EVENT_CHUNK: usize = 10_000;

/// What to generate.
#[derive(Debug, Clone, Serialize)]
pub struct DemoPlan {
    pub seed: u64,
    pub users: usize,
    pub events: usize,
    /// Days of audit history.
    pub days: i64,
    pub now: NaiveDateTime,
}

/// Precomputed `$2b$12$` hashes of the demo passwords (bcrypt is slow on purpose, so each is
/// computed once per run, see [`hash_demo_passwords`]).
pub struct DemoPasswords {
    /// Hashes of [`DEMO_PASSWORDS`], shared by the generated users.
    pub hashes: Vec<String>,
    /// Hash of [`DEMO_OPERATOR_PASSWORD`].
    pub operator: String,
}

/// The generated users' passwords (printed in the README: this is a demo).
pub const DEMO_PASSWORDS: [&str; 3] = [
    "Rampart-demo-2026!",
    "차트분석-데모-비밀번호",
    "correct horse battery staple",
];

/// The password of every demo operator account.
pub const DEMO_OPERATOR_PASSWORD: &str = "Rampart-demo-2026";

/// A demo operator: an account of the demo user store with MFA enabled and a console role.
/// The TOTP secrets are fixed and published in the README so anyone can sign in to the demo
/// with an authenticator app or `oathtool --totp -b SECRET`.
#[derive(Debug, Clone, Copy)]
pub struct DemoOperator {
    pub email: &'static str,
    pub username: &'static str,
    pub console_role: ConsoleRole,
    pub service_role: Role,
    pub totp_secret: &'static str,
}

pub const DEMO_OPERATORS: [DemoOperator; 4] = [
    DemoOperator {
        email: "officer@rampart.demo",
        username: "보안담당 김보안",
        console_role: ConsoleRole::SecurityOfficer,
        service_role: Role::Admin,
        totp_secret: "RAMPARTDEMOSECURITYOFFICER234567",
    },
    DemoOperator {
        email: "auditor@rampart.demo",
        username: "감사인 이감사",
        console_role: ConsoleRole::Auditor,
        service_role: Role::BasicUser,
        totp_secret: "RAMPARTDEMOAUDITOR22222222222222",
    },
    DemoOperator {
        email: "custodian@rampart.demo",
        username: "키관리 박열쇠",
        console_role: ConsoleRole::KeyCustodian,
        service_role: Role::BasicUser,
        totp_secret: "RAMPARTDEMOKEYCUSTODIAN333333333",
    },
    DemoOperator {
        email: "admin@rampart.demo",
        username: "콘솔관리 최관리",
        console_role: ConsoleRole::ConsoleAdmin,
        service_role: Role::Admin,
        totp_secret: "RAMPARTDEMOCONSOLEADMIN444444444",
    },
];

/// Hash the demo passwords with salts from the plan's seed. Blocking (about a second of bcrypt):
/// call it off the async workers.
pub fn hash_demo_passwords(
    seed: u64,
) -> Result<DemoPasswords, rampart_domain::password::PasswordError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5a17);
    let mut hash = |p: &str| {
        let mut salt = [0u8; 16];
        rng.fill_bytes(&mut salt);
        rampart_domain::password::hash_password(&SecretString::from(p.to_string()), salt)
    };
    let hashes = DEMO_PASSWORDS
        .iter()
        .map(|p| hash(p))
        .collect::<Result<Vec<_>, _>>()?;
    let operator = hash(DEMO_OPERATOR_PASSWORD)?;
    Ok(DemoPasswords { hashes, operator })
}

/// The demo operators' records: user hash, e-mail index, password, MFA record (enabled, with
/// backup codes) and console grant. Their own generator stream, so adding them changed none of
/// the other demo data.
pub fn operator_writes(plan: &DemoPlan, passwords: &DemoPasswords) -> Vec<Write> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0x6f70_6572);
    let now = plan.now;
    let at = now - Duration::days(30);
    let at_s = rampart_domain::time::format_naive_iso(&at);
    let mut w = Vec::new();
    let mut grants = Vec::new();
    for op in DEMO_OPERATORS {
        let id = ids::new_user_id(&mut rng);
        let mut fields = user::new_user_fields(op.email, op.username, op.service_role, &at);
        fields[5].1 = mfa_flag_after_change(true).as_bytes().to_vec();
        let codes: Vec<SecretString> = totp::generate_backup_codes(&mut rng)
            .into_iter()
            .map(SecretString::from)
            .collect();
        let rec = MfaRecord::new(SecretString::from(op.totp_secret.to_string()), codes, &at);
        w.push(Write::HSet {
            key: keys::user(&id),
            fields,
        });
        w.push(Write::Set {
            key: keys::user_email(op.email),
            value: id.as_bytes().to_vec(),
            ttl_secs: None,
        });
        w.push(Write::Set {
            key: keys::user_password(&id),
            value: passwords.operator.as_bytes().to_vec(),
            ttl_secs: None,
        });
        w.push(Write::Set {
            key: keys::mfa(&id),
            value: rec.to_repr().expose_secret().as_bytes().to_vec(),
            ttl_secs: None,
        });
        let grant = Grant {
            role: op.console_role,
            granted_by: "demo".into(),
            granted_at: at_s.clone(),
        };
        grants.push((id, grant.to_json().into_bytes()));
    }
    w.push(Write::HSet {
        key: OPERATORS_KEY.into(),
        fields: grants,
    });
    w
}

/// The demo master key from which data keys are wrapped. Demo only: derived from the seed so the
/// demo is reproducible; a real deployment's master key comes from the keychain.
pub fn demo_master_key(seed: u64) -> SecretBox<Vec<u8>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d61_7374_6572);
    let mut k = vec![0u8; 32];
    rng.fill_bytes(&mut k);
    SecretBox::new(Box::new(k))
}

const SURNAMES: [&str; 12] = [
    "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오",
];
const GIVEN: [&str; 16] = [
    "민준", "서연", "도윤", "하은", "시우", "지우", "주원", "서윤", "예준", "지민", "하준", "수아",
    "지호", "채원", "은우", "다은",
];
const ROMAN: [&str; 16] = [
    "minjun", "seoyeon", "doyun", "haeun", "siwoo", "jiwoo", "juwon", "seoyun", "yejun", "jimin",
    "hajun", "sua", "jiho", "chaewon", "eunwoo", "daeun",
];
const OTHER_NAMES: [(&str, &str); 8] = [
    ("Alice Martin", "alice.martin"),
    ("José Álvarez", "jose.alvarez"),
    ("Zoë Müller", "zoe.mueller"),
    ("山田 太郎", "taro.yamada"),
    ("李伟", "wei.li"),
    ("Ольга Иванова", "olga.ivanova"),
    ("محمد علي", "mohammed.ali"),
    ("Nguyễn Văn An", "an.nguyen"),
];
const DOMAINS: [&str; 4] = [
    "example.com",
    "example.co.kr",
    "stockchart.test",
    "예시.한국",
];

/// The generated users (kept for event generation and the report).
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub last_login: Option<NaiveDateTime>,
}

/// Everything but the audit events, as key-space writes, plus the users.
pub struct DemoCore {
    pub writes: Vec<Write>,
    pub users: Vec<DemoUser>,
    pub ips: Vec<String>,
}

fn pick<'a, T>(rng: &mut impl Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

fn ts(now: &NaiveDateTime, rng: &mut impl Rng, max_secs_ago: i64) -> NaiveDateTime {
    *now - Duration::microseconds(rng.gen_range(0..max_secs_ago.max(1) * 1_000_000))
}

fn demo_ips(rng: &mut impl Rng, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i % 10 {
            // Documentation ranges only (RFC 5737 / RFC 3849): never a real host.
            0 => format!(
                "2001:db8:{:x}::{:x}",
                rng.gen_range(1..0xffff),
                rng.gen_range(1..0xffff)
            ),
            1..=4 => format!("203.0.113.{}", rng.gen_range(1..255)),
            5..=7 => format!("198.51.100.{}", rng.gen_range(1..255)),
            _ => format!("192.0.2.{}", rng.gen_range(1..255)),
        })
        .collect()
}

/// Users, MFA, sessions, API keys, data keys, limits and locks.
pub fn generate_core(plan: &DemoPlan, passwords: &DemoPasswords) -> DemoCore {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
    let now = plan.now;
    let mut w: Vec<Write> = Vec::new();
    let mut users = Vec::with_capacity(plan.users);
    let ips = demo_ips(&mut rng, 400);

    for i in 0..plan.users {
        let id = ids::new_user_id(&mut rng);
        let role = match rng.gen_range(0..100) {
            0..=1 => Role::Admin,
            2..=21 => Role::PremiumUser,
            22..=81 => Role::BasicUser,
            _ => Role::Guest,
        };
        let (username, local) = if rng.gen_bool(0.75) {
            let g = rng.gen_range(0..GIVEN.len());
            let s = pick(&mut rng, &SURNAMES);
            (format!("{s}{}", GIVEN[g]), ROMAN[g].to_string())
        } else {
            let (n, l) = pick(&mut rng, &OTHER_NAMES);
            (n.to_string(), l.to_string())
        };
        let domain = pick(&mut rng, &DOMAINS);
        // The seed keys e-mails verbatim; a Korean local part appears on the Korean domain.
        let email = if *domain == "예시.한국" {
            format!("{username}{i}@{domain}")
        } else {
            format!("{local}.{i}@{domain}")
        };
        let created = ts(&now, &mut rng, 730 * 86_400);
        let mut fields = user::new_user_fields(&email, &username, role, &created);
        let active = rng.gen_range(0..100) >= 5;
        if !active {
            fields[4].1 = user::py_bool(false).as_bytes().to_vec();
        }
        let last_login = if rng.gen_bool(0.85) {
            // A quarter of the logins are old: dormant accounts for the 90-day view.
            let horizon = if rng.gen_bool(0.25) { 365 } else { 60 };
            let t = ts(&now, &mut rng, horizon * 86_400);
            Some(if t < created { created } else { t })
        } else {
            None
        };
        if let Some(t) = last_login {
            fields.push((
                "last_login".into(),
                rampart_domain::time::format_naive_iso(&t).into_bytes(),
            ));
        }
        // MFA in every state. Admins are mostly enrolled, some not (flagged by coverage views).
        let mfa_roll = rng.gen_range(0..100);
        let mfa_state = match (role, mfa_roll) {
            (Role::Admin, 0..=79) | (_, 0..=29) => "enabled",
            (_, 30..=34) => "disabled",
            (_, 35..=37) => "pending",
            _ => "none",
        };
        let secret = totp::generate_secret(&mut rng);
        let codes: Vec<SecretString> = totp::generate_backup_codes(&mut rng)
            .into_iter()
            .map(SecretString::from)
            .collect();
        match mfa_state {
            "enabled" => {
                fields[5].1 = mfa_flag_after_change(true).as_bytes().to_vec();
                let enabled_at = ts(&now, &mut rng, 300 * 86_400);
                let left = rng.gen_range(6..=10);
                let rec = MfaRecord::new(
                    SecretString::from(secret),
                    codes[..left].to_vec(),
                    &enabled_at,
                );
                w.push(Write::Set {
                    key: keys::mfa(&id),
                    value: rec.to_repr().expose_secret().as_bytes().to_vec(),
                    ttl_secs: None,
                });
            }
            "disabled" => fields[5].1 = mfa_flag_after_change(false).as_bytes().to_vec(),
            "pending" => w.push(Write::Set {
                key: keys::mfa_setup(&id),
                value: mfa::setup_repr(&SecretString::from(secret), &codes, &now)
                    .expose_secret()
                    .as_bytes()
                    .to_vec(),
                ttl_secs: Some(mfa::SETUP_TTL_SECS),
            }),
            _ => {}
        }
        w.push(Write::HSet {
            key: keys::user(&id),
            fields,
        });
        w.push(Write::Set {
            key: keys::user_email(&email),
            value: id.as_bytes().to_vec(),
            ttl_secs: None,
        });
        w.push(Write::Set {
            key: keys::user_password(&id),
            value: pick(&mut rng, &passwords.hashes).as_bytes().to_vec(),
            ttl_secs: None,
        });
        // Sessions: refresh tokens created in the last 7 days, TTL = time left.
        if active && rng.gen_bool(0.3) {
            for _ in 0..rng.gen_range(1..=3) {
                let created_at = ts(&now, &mut rng, 6 * 86_400);
                let exp = created_at + Duration::seconds(REFRESH_TTL_SECS as i64);
                let token_id = ids::new_token_id(&mut rng);
                let rec = RefreshRecord {
                    user_id: id.clone(),
                    token_id: token_id.clone(),
                    exp,
                    created_at,
                };
                let left = (exp - now).num_seconds().max(1) as u64;
                w.push(Write::Set {
                    key: keys::refresh_token(&token_id),
                    value: rec.to_repr().into_bytes(),
                    ttl_secs: Some(left),
                });
            }
        }
        // API keys for some paying users: valid, expired, inactive, over quota.
        if matches!(role, Role::PremiumUser | Role::Admin) && rng.gen_bool(0.4) {
            let (key_id, key) = ids::new_api_key(&mut rng);
            let kind = rng.gen_range(0..10);
            let created_at = ts(&now, &mut rng, 200 * 86_400);
            let expires = match kind {
                0..=1 => Some(now - Duration::days(rng.gen_range(1..60))),
                2..=5 => Some(now + Duration::days(rng.gen_range(1..365))),
                _ => None,
            };
            let mut rec = ApiKeyRecord::new(
                &key_id,
                &id,
                &role.permissions_field(),
                1000,
                100,
                &created_at,
                expires.as_ref(),
            );
            if kind == 6 {
                rec.is_active = Some(apikey::active_flag(false).into());
            }
            w.push(Write::HSet {
                key: keys::api_key(&key),
                fields: rec.to_fields(),
            });
            let usage = if kind == 7 {
                1000
            } else {
                rng.gen_range(0..900)
            };
            if usage > 0 {
                w.push(Write::Set {
                    key: keys::api_usage(&key),
                    value: usage.to_string().into_bytes(),
                    ttl_secs: Some(apikey::USAGE_TTL_SECS),
                });
            }
        }
        users.push(DemoUser {
            id,
            email,
            role,
            last_login,
        });
    }

    data_keys(plan, &mut rng, &mut w);
    limits_and_locks(plan, &mut rng, &ips, &users, &mut w);
    DemoCore {
        writes: w,
        users,
        ips,
    }
}

/// Data keys for the four purposes: an initial key (no expiry) rotated 1–3 times, each rotation
/// logged; one revoked key; wrapped under the demo master key exactly as the seed's KMS does.
fn data_keys(plan: &DemoPlan, rng: &mut ChaCha8Rng, w: &mut Vec<Write>) {
    let master = demo_master_key(plan.seed);
    let wrapping = rampart_domain::kdf::wrapping_key(master.expose_secret());
    let mut log: Vec<String> = Vec::new();
    let wrap = |rng: &mut ChaCha8Rng, rec: &KeyRecord, at: &NaiveDateTime| -> Vec<u8> {
        let mut iv = [0u8; 16];
        rng.fill_bytes(&mut iv);
        rec.wrap(&wrapping, at.and_utc().timestamp().max(0) as u64, iv)
            .into_bytes()
    };
    for purpose in PURPOSES {
        let rotations = rng.gen_range(1..=3);
        let mut created = plan.now - Duration::days(90 * rotations + rng.gen_range(1..30));
        let mut current = new_key(rng, purpose, created, None);
        for _ in 0..rotations {
            created += Duration::days(90);
            let next = new_key(
                rng,
                purpose,
                created,
                Some(created + Duration::days(ROTATION_DAYS)),
            );
            current.is_active = false;
            w.push(Write::Set {
                key: keys::key(&current.key_id),
                value: wrap(rng, &current, &created),
                ttl_secs: None,
            });
            log.push(keyrecord::rotation_log_entry(
                &current.key_id,
                &next.key_id,
                purpose,
                &created,
            ));
            current = next;
        }
        w.push(Write::Set {
            key: keys::key(&current.key_id),
            value: wrap(rng, &current, &created),
            ttl_secs: None,
        });
        w.push(Write::Set {
            key: keys::active_key(purpose),
            value: current.key_id.clone().into_bytes(),
            ttl_secs: None,
        });
    }
    // A compromised key, revoked; the seed leaves revoked keys in place (§4).
    let at = plan.now - Duration::days(3);
    let mut revoked = new_key(rng, "general", at - Duration::days(10), None);
    revoked.is_active = false;
    w.push(Write::Set {
        key: keys::key(&revoked.key_id),
        value: wrap(rng, &revoked, &at),
        ttl_secs: None,
    });
    log.push(keyrecord::revocation_log_entry(&revoked.key_id, &at));
    // key_audit_log is LPUSHed newest first.
    w.push(Write::LPush {
        key: keys::KEY_AUDIT_LOG.into(),
        values: log.into_iter().map(String::into_bytes).collect(),
    });
}

fn new_key(
    rng: &mut ChaCha8Rng,
    purpose: &str,
    created: NaiveDateTime,
    expires: Option<NaiveDateTime>,
) -> KeyRecord {
    let mut data = vec![0u8; 32];
    rng.fill_bytes(&mut data);
    KeyRecord {
        key_id: ids::new_key_id(rng),
        key_data: SecretBox::new(Box::new(data)),
        algorithm: "AES-256-GCM".into(),
        created_at: created,
        expires_at: expires,
        is_active: true,
        purpose: purpose.into(),
    }
}

fn limits_and_locks(
    plan: &DemoPlan,
    rng: &mut ChaCha8Rng,
    ips: &[String],
    users: &[DemoUser],
    w: &mut Vec<Write>,
) {
    for ip in ips.iter().take(120) {
        let t = *pick(rng, &["default", "auth", "sensitive"]);
        let (limit, window) = limits::rate_limit_for(t);
        let count = rng.gen_range(1..=limit + 5).min(limit);
        w.push(Write::Set {
            key: keys::rate_limit(t, ip),
            value: count.to_string().into_bytes(),
            ttl_secs: Some(rng.gen_range(1..=window)),
        });
        let score = *pick(rng, &[0.8, 0.8, 0.8, 0.65, 0.35, 0.0, 0.5, 0.2]);
        w.push(Write::Set {
            key: keys::ip_reputation(ip),
            value: limits::py_float_str(score).into_bytes(),
            ttl_secs: Some(rng.gen_range(60..=limits::REPUTATION_TTL_SECS)),
        });
    }
    // Live locks from bursts in the last 15 minutes (see burst_events for their events).
    for (i, (user, ip)) in burst_targets(plan, users, ips).into_iter().enumerate() {
        let minutes_ago = (i as i64 % 12) + 1;
        let at = plan.now - Duration::minutes(minutes_ago);
        let (until, ttl) = limits::lock_value(&at, limits::LOCK_MINUTES);
        let left = ttl as i64 - minutes_ago * 60;
        if left > 0 {
            w.push(Write::Set {
                key: keys::account_lock(&user.id),
                value: until.into_bytes(),
                ttl_secs: Some(left as u64),
            });
        }
        let (until, ttl) = limits::lock_value(&at, limits::BLOCK_MINUTES);
        w.push(Write::Set {
            key: keys::ip_block(&ip),
            value: until.into_bytes(),
            ttl_secs: Some(ttl - (minutes_ago * 60) as u64),
        });
    }
}

/// The (user, ip) pairs hit by a recent login-failure burst.
fn burst_targets<'a>(
    plan: &DemoPlan,
    users: &'a [DemoUser],
    ips: &[String],
) -> Vec<(&'a DemoUser, String)> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0xb0b5);
    let n = (users.len() / 1000).clamp(1, 12).min(users.len());
    (0..n)
        .map(|_| (pick(&mut rng, users), pick(&mut rng, ips).clone()))
        .collect()
}

/// The recent bursts' events: 5–7 `user_login` failures within 5 minutes from one IP, then the
/// `security_violation` the seed logs when it locks (CONTRACT §6.2).
pub fn burst_events(plan: &DemoPlan, core: &DemoCore) -> Vec<AuditEvent> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0xfa11);
    let mut out = Vec::new();
    for (i, (user, ip)) in burst_targets(plan, &core.users, &core.ips)
        .into_iter()
        .enumerate()
    {
        let minutes_ago = (i as i64 % 12) + 1;
        let lock_at = plan.now - Duration::minutes(minutes_ago);
        let failures = rng.gen_range(5..=7);
        for f in 0..failures {
            let t = lock_at - Duration::seconds(((failures - f) * 20) as i64);
            let mut d = Map::new();
            d.insert("email".into(), user.email.clone().into());
            d.insert("reason".into(), "invalid_password".into());
            out.push(event(
                &mut rng,
                "user_login",
                Some(&user.id),
                &ip,
                t,
                "login",
                "failure",
                d,
                "medium",
            ));
        }
        let mut d = Map::new();
        d.insert("reason".into(), "repeated_login_failures".into());
        d.insert("failures".into(), failures.into());
        let mut e = event(
            &mut rng,
            "security_violation",
            Some(&user.id),
            &ip,
            lock_at,
            "account_locked",
            "success",
            d,
            "high",
        );
        e.user_agent = String::new();
        out.push(e);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn event(
    rng: &mut impl RngCore,
    event_type: &str,
    user_id: Option<&str>,
    ip: &str,
    at: NaiveDateTime,
    action: &str,
    result: &str,
    details: Map<String, Value>,
    severity: &str,
) -> AuditEvent {
    AuditEvent {
        event_id: audit::new_event_id(&at, rng),
        event_type: event_type.into(),
        user_id: user_id.map(str::to_owned),
        ip_address: ip.into(),
        user_agent: AGENTS[(rng.next_u32() as usize) % AGENTS.len()].into(),
        timestamp: at,
        resource: None,
        action: action.into(),
        result: result.into(),
        details,
        severity: severity.into(),
    }
}

const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
    "StockChartApp/3.2 (iPhone; iOS 18.1)",
    "python-requests/2.32.3",
];

const RESOURCES: [&str; 6] = [
    "/api/stocks/005930",
    "/api/stocks/AAPL",
    "/api/sentiment/KOSPI",
    "/api/analytics/portfolio",
    "/api/export/csv",
    "/api/stocks/035720",
];

/// One chunk of background audit history, deterministic per `(seed, chunk)` so an interrupted
/// load resumes at the chunk it stopped at without regenerating earlier ones.
pub fn event_chunk(
    plan: &DemoPlan,
    users: &[DemoUser],
    ips: &[String],
    chunk: usize,
) -> Vec<AuditEvent> {
    let start = chunk * EVENT_CHUNK;
    let n = EVENT_CHUNK.min(plan.events.saturating_sub(start));
    let mut rng =
        ChaCha8Rng::seed_from_u64(plan.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ chunk as u64);
    let mut out = Vec::with_capacity(n);
    // Chunks cover consecutive slices of the history, oldest first, and each chunk is sorted by
    // time: event ids start with the epoch millisecond, so every index the events land in is
    // appended to rather than split at random (this keeps a 1M-event load linear).
    let span_us = plan.days * 86_400 * 1_000_000;
    let chunks = event_chunks(plan).max(1) as i64;
    let slice = span_us / chunks;
    let slice_start =
        plan.now - Duration::microseconds(span_us) + Duration::microseconds(slice * chunk as i64);
    let mut offsets: Vec<i64> = (0..n).map(|_| rng.gen_range(0..slice.max(1))).collect();
    offsets.sort_unstable();
    for off in offsets {
        let at = slice_start + Duration::microseconds(off);
        let user = pick(&mut rng, users);
        let ip = pick(&mut rng, ips);
        let roll = rng.gen_range(0..1000);
        let t = match roll {
            0..=549 => 0,   // user_login
            550..=629 => 1, // user_logout
            630..=639 => 2, // user_registration
            640..=654 => 3, // password_change
            655..=669 => 4, // mfa_enabled
            670..=674 => 5, // mfa_disabled
            675..=944 => 6, // api_access
            945..=964 => 7, // data_export
            965..=979 => 8, // permission_change
            980..=994 => 9, // suspicious_activity
            _ => 10,        // security_violation
        };
        let event_type = SEED_EVENT_TYPES[t];
        let mut d = Map::new();
        let (action, result, severity, resource) = match t {
            0 => {
                let ok = rng.gen_range(0..100) >= 8;
                if !ok {
                    d.insert("reason".into(), "invalid_password".into());
                }
                (
                    "login",
                    if ok { "success" } else { "failure" },
                    "medium",
                    None,
                )
            }
            1 => ("logout", "success", "low", None),
            2 => ("register", "success", "low", None),
            3 => ("change_password", "success", "medium", None),
            4 => ("enable_mfa", "success", "medium", None),
            5 => ("disable_mfa", "success", "high", None),
            6 => {
                let r = *pick(&mut rng, &RESOURCES);
                d.insert("method".into(), "GET".into());
                d.insert(
                    "status".into(),
                    (*pick(&mut rng, &[200, 200, 200, 200, 304, 401, 429])).into(),
                );
                ("api_call", "success", "low", Some(r))
            }
            7 => {
                d.insert("format".into(), "csv".into());
                d.insert("rows".into(), rng.gen_range(10..50_000).into());
                ("export", "success", "medium", Some("/api/export/csv"))
            }
            8 => {
                let r = *pick(&mut rng, &Role::ALL);
                d.insert("new_role".into(), r.as_str().into());
                ("role_change", "success", "high", None)
            }
            9 => {
                d.insert(
                    "pattern".into(),
                    (*pick(
                        &mut rng,
                        &[
                            "union.*select.*from",
                            "<script.*?>.*?</script>",
                            "\\.\\./.*",
                        ],
                    ))
                    .into(),
                );
                d.insert("note".into(), "의심스러운 요청 패턴".into());
                ("suspicious_request", "failure", "high", None)
            }
            _ => {
                d.insert("reason".into(), "repeated_login_failures".into());
                d.insert("failures".into(), rng.gen_range(5..9).into());
                ("account_locked", "success", "high", None)
            }
        };
        let uid = if t == 9 && rng.gen_bool(0.5) {
            None
        } else {
            Some(user.id.as_str())
        };
        let mut e = event(
            &mut rng, event_type, uid, ip, at, action, result, d, severity,
        );
        e.resource = resource.map(str::to_owned);
        out.push(e);
    }
    out
}

/// Number of event chunks in a plan.
pub fn event_chunks(plan: &DemoPlan) -> usize {
    plan.events.div_ceil(EVENT_CHUNK)
}

/// Writes for the Redis copies of events still inside their 24 h TTL (older copies would have
/// expired in the service's Redis), with the TTL they would have left.
pub fn recent_event_writes(events: &[AuditEvent], now: &NaiveDateTime) -> Vec<Write> {
    let mut w = Vec::new();
    for e in events {
        let age = (*now - e.timestamp).num_seconds();
        if (0..audit::REDIS_EVENT_TTL_SECS as i64).contains(&age) {
            let mut ws = seed_event_writes(e);
            if let Write::Set { ttl_secs, .. } = &mut ws[0] {
                *ttl_secs = Some(audit::REDIS_EVENT_TTL_SECS - age as u64);
            }
            w.extend(ws);
        }
    }
    w
}

/// One PII record for the demo SQL table.
#[derive(Debug, Clone, Serialize)]
pub struct DemoCustomer {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub ssn: String,
    pub home_address: String,
    pub card_number: String,
    pub created_at: NaiveDateTime,
}

const CITIES: [&str; 6] = [
    "서울특별시 강남구 테헤란로",
    "부산광역시 해운대구 해운대로",
    "인천광역시 연수구 송도동",
    "대구광역시 중구 동성로",
    "광주광역시 서구 상무대로",
    "대전광역시 유성구 대학로",
];

/// PII records: Korean names, RRNs (`YYMMDD-GNNNNNN`), mobile numbers, addresses, cards.
pub fn customers(plan: &DemoPlan, n: usize) -> Vec<DemoCustomer> {
    let mut rng = ChaCha8Rng::seed_from_u64(plan.seed ^ 0xc0ffee);
    (1..=n as i64)
        .map(|id| {
            let g = rng.gen_range(0..GIVEN.len());
            let name = format!("{}{}", pick(&mut rng, &SURNAMES), GIVEN[g]);
            let (yy, mm, dd) = (
                rng.gen_range(50..=99),
                rng.gen_range(1..=12),
                rng.gen_range(1..=28),
            );
            let gender = *pick(&mut rng, &[1, 2]);
            DemoCustomer {
                id,
                email: format!("{}.{id}@{}", ROMAN[g], pick(&mut rng, &DOMAINS)),
                phone: format!(
                    "010-{:04}-{:04}",
                    rng.gen_range(0..10_000),
                    rng.gen_range(0..10_000)
                ),
                ssn: format!(
                    "{yy:02}{mm:02}{dd:02}-{gender}{:06}",
                    rng.gen_range(0..1_000_000)
                ),
                home_address: format!("{} {}", pick(&mut rng, &CITIES), rng.gen_range(1..500)),
                card_number: format!(
                    "4{:03} {:04} {:04} {:04}",
                    rng.gen_range(0..1000),
                    rng.gen_range(0..10_000),
                    rng.gen_range(0..10_000),
                    rng.gen_range(0..10_000)
                ),
                created_at: ts(&plan.now, &mut rng, 400 * 86_400),
                name,
            }
        })
        .collect()
}
