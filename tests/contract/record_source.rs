//! [`RecordSource`] contract: one set of cases, run against PostgreSQL, MariaDB/MySQL and SQLite
//! (fresh databases from `rampart-testkit`; real servers, no mocks).
//!
//! Each case gets a database seeded with the service's kind of PII table: `customers` with
//! 2,500 rows of Korean names, resident registration numbers (`900101-1xxxxxx`), mobile numbers
//! (`010-1234-xxxx`), addresses, card numbers, timestamps, exact balances, photos and flags, plus
//! a table whose name needs quoting (`주문 "기록"`). The source under test is read-only, as
//! profiles are by default.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rampart_core::ports::{Cell, PageRequest, RecordSource, StoreError, TableRef};
use rampart_store::sql::{SqlOptions, SqlRecordSource};
use sqlx::Connection;
use std::any::Any;
use std::time::Duration;

const ROWS: i64 = 2_500;
const NAMES: [&str; 5] = ["김민준", "이서연", "박지훈", "최수아", "정예준"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

/// A seeded database and the read-only source over it.
struct Backend {
    dialect: Dialect,
    src: SqlRecordSource,
    /// The schema `tables()` reports for the seeded tables.
    schema: Option<String>,
    /// A URL of the same kind where nothing answers.
    unreachable: String,
    /// Options the server must refuse as bad credentials (SQLite has no accounts: `None`).
    bad_credentials: Option<SqlOptions>,
    _keep: Box<dyn Any + Send>,
}

enum Setup {
    Pg(sqlx::PgConnection),
    My(sqlx::MySqlConnection),
    Lite(sqlx::SqliteConnection),
}

impl Setup {
    async fn exec(&mut self, sql: &str) {
        let r = match self {
            Setup::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Setup::My(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Setup::Lite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
        };
        r.unwrap_or_else(|e| {
            panic!(
                "setup statement failed: {e}\n{}",
                &sql[..sql.len().min(300)]
            )
        });
    }

    async fn close(self) {
        let _ = match self {
            Setup::Pg(c) => c.close().await,
            Setup::My(c) => c.close().await,
            Setup::Lite(c) => c.close().await,
        };
    }
}

fn created_at(i: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        + TimeDelta::minutes(i)
}

fn photo(i: i64) -> Vec<u8> {
    vec![0xFF, 0x00, (i % 256) as u8, 0xD8]
}

async fn seed(dialect: Dialect, mut db: Setup) {
    let ddl = match dialect {
        Dialect::Postgres => {
            "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(255),
             phone VARCHAR(32), ssn CHAR(14), home_address TEXT, card_number VARCHAR(32),
             created_at TIMESTAMP NOT NULL, last_seen TIMESTAMPTZ, balance NUMERIC(14,2),
             photo BYTEA, active BOOLEAN NOT NULL)"
        }
        Dialect::MySql => {
            "CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL,
             email VARCHAR(255), phone VARCHAR(32), ssn CHAR(14), home_address TEXT,
             card_number VARCHAR(32), created_at DATETIME(6) NOT NULL, last_seen TIMESTAMP(6) NULL,
             balance DECIMAL(14,2), photo BLOB, active BOOLEAN NOT NULL) DEFAULT CHARSET=utf8mb4"
        }
        Dialect::Sqlite => {
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT,
             phone TEXT, ssn TEXT, home_address TEXT, card_number TEXT,
             created_at TIMESTAMP NOT NULL, last_seen TIMESTAMP, balance NUMERIC, photo BLOB,
             active BOOLEAN NOT NULL)"
        }
    };
    db.exec(ddl).await;
    if dialect == Dialect::MySql {
        // TIMESTAMP columns convert from the session zone: a KST session stores 13:12:37 as
        // 04:12:37 UTC, which the source must show.
        db.exec("SET time_zone = '+09:00'").await;
    }
    let blob = |b: &[u8]| {
        let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
        match dialect {
            Dialect::Postgres => format!("decode('{hex}', 'hex')"),
            _ => format!("X'{hex}'"),
        }
    };
    let last_seen = match dialect {
        Dialect::Postgres => "'2026-11-24 13:12:37+09:00'",
        Dialect::MySql => "'2026-11-24 13:12:37'",
        Dialect::Sqlite => "'2026-11-24T13:12:37+09:00'",
    };
    for chunk in (1..=ROWS).collect::<Vec<_>>().chunks(500) {
        let values: Vec<String> = chunk
            .iter()
            .map(|&i| {
                format!(
                    "({i}, '{name}{i}', {email}, '010-1234-{i:04}', '900101-{rrn}', \
                     '서울특별시 강남구 테헤란로 {i}', '4111 1111 1111 {i:04}', '{created}', {seen}, \
                     {i}00.25, {photo}, {active})",
                    name = NAMES[(i % 5) as usize],
                    email = if i % 10 == 0 { "NULL".into() } else { format!("'user{i}@example.kr'") },
                    rrn = 1_000_000 + i,
                    created = created_at(i).format("%Y-%m-%d %H:%M:%S"),
                    seen = if i == 7 { last_seen } else { "NULL" },
                    photo = blob(&photo(i)),
                    active = if i % 3 == 0 { "FALSE" } else { "TRUE" },
                )
            })
            .collect();
        db.exec(&format!(
            "INSERT INTO customers (id, name, email, phone, ssn, home_address, card_number, \
             created_at, last_seen, balance, photo, active) VALUES {}",
            values.join(", ")
        ))
        .await;
    }
    let odd = match dialect {
        Dialect::MySql => "`주문 \"기록\"`",
        _ => "\"주문 \"\"기록\"\"\"",
    };
    db.exec(&format!(
        "CREATE TABLE {odd} (id INTEGER PRIMARY KEY, memo TEXT)"
    ))
    .await;
    db.exec(&format!(
        "INSERT INTO {odd} (id, memo) VALUES (1, '첫 주문'), (2, 'two'), (3, NULL)"
    ))
    .await;
    if dialect == Dialect::Sqlite {
        // Bookkeeping tables a SQLite file of the service may carry; not service data.
        db.exec("CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY)")
            .await;
        db.exec("CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER)")
            .await;
        db.exec("INSERT INTO counters (n) VALUES (1)").await; // creates sqlite_sequence
    }
    db.close().await;
}

async fn connect(url: &str) -> SqlRecordSource {
    let opts = SqlOptions::new(url);
    assert!(
        opts.read_only,
        "profiles are read-only unless the operator says otherwise"
    );
    SqlRecordSource::connect(opts)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"))
}

async fn postgres() -> Backend {
    let db = rampart_testkit::postgres().await;
    seed(
        Dialect::Postgres,
        Setup::Pg(sqlx::PgConnection::connect(&db.url).await.unwrap()),
    )
    .await;
    // Replace the rig's user with a role that does not exist. The machine's server trusts
    // local connections (no password is ever checked), so an unknown role is the credential
    // failure it can produce.
    let (scheme, rest) = db.url.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
    let mut bad = SqlOptions::new(format!("{scheme}://rampart_no_such_role@{host}"));
    bad.password = Some("wrong-pw-파란".to_string().into());
    Backend {
        dialect: Dialect::Postgres,
        src: connect(&db.url).await,
        schema: Some("public".into()),
        unreachable: "postgres://postgres@127.0.0.1:1/test".into(),
        bad_credentials: Some(bad),
        _keep: Box::new(db),
    }
}

async fn mariadb() -> Backend {
    let db = rampart_testkit::mysql().await;
    seed(
        Dialect::MySql,
        Setup::My(sqlx::MySqlConnection::connect(&db.url).await.unwrap()),
    )
    .await;
    let mut bad = SqlOptions::new(db.url.clone());
    bad.password = Some("wrong-pw-파란".to_string().into());
    Backend {
        dialect: Dialect::MySql,
        src: connect(&db.url).await,
        schema: Some(db.name.clone()),
        unreachable: "mysql://root@127.0.0.1:1/test".into(),
        bad_credentials: Some(bad),
        _keep: Box::new(db),
    }
}

async fn sqlite() -> Backend {
    let file = rampart_testkit::sqlite_file();
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file.path)
        .create_if_missing(true);
    seed(
        Dialect::Sqlite,
        Setup::Lite(sqlx::SqliteConnection::connect_with(&opts).await.unwrap()),
    )
    .await;
    Backend {
        dialect: Dialect::Sqlite,
        // The rig's URL says `mode=rwc`; the read-only option must still win.
        src: connect(&file.url).await,
        schema: None,
        unreachable: format!("sqlite://{}/missing-dir/none.db", file.dir.path().display()),
        bad_credentials: None,
        _keep: Box::new(file),
    }
}

/// Each case runs once per backend: `postgres::<case>`, `mariadb::<case>`, `sqlite::<case>`.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod postgres {
            $( #[tokio::test] async fn $case() { super::$case(&super::postgres().await).await; } )*
        }
        mod mariadb {
            $( #[tokio::test] async fn $case() { super::$case(&super::mariadb().await).await; } )*
        }
        mod sqlite {
            $( #[tokio::test] async fn $case() { super::$case(&super::sqlite().await).await; } )*
        }
    };
}

contract!(
    tables_lists_service_tables_only,
    columns_flag_pii_by_the_seed_rule,
    keyset_paging_visits_every_row_once_in_key_order,
    offset_paging_visits_every_row_once,
    cells_decode_by_column_type,
    odd_table_names_are_quoted_not_refused,
    unknown_tables_are_not_found,
    injection_names_are_refused_and_change_nothing,
    unreachable_servers_and_bad_credentials_are_typed_errors,
    info_and_ping_describe_the_server,
);

fn customers(b: &Backend) -> TableRef {
    TableRef {
        schema: b.schema.clone(),
        name: "customers".into(),
    }
}

fn id_of(row: &[Cell]) -> i64 {
    match row[0] {
        Cell::Int(i) => i,
        ref other => panic!("id decodes as Int, got {other:?}"),
    }
}

async fn tables_lists_service_tables_only(b: &Backend) {
    let tables = b.src.tables().await.expect("tables");
    let names: Vec<&str> = tables.iter().map(|t| t.table.name.as_str()).collect();
    assert!(names.contains(&"customers"), "{names:?}");
    assert!(
        names.contains(&"주문 \"기록\""),
        "odd names are listed verbatim: {names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("sqlite_") || *n == "_sqlx_migrations"),
        "internal tables are hidden: {names:?}"
    );
    let c = tables.iter().find(|t| t.table.name == "customers").unwrap();
    assert_eq!(c.table.schema, b.schema, "schema as the backend names it");
}

async fn columns_flag_pii_by_the_seed_rule(b: &Backend) {
    let cols = b.src.columns(&customers(b)).await.expect("columns");
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "name",
            "email",
            "phone",
            "ssn",
            "home_address",
            "card_number",
            "created_at",
            "last_seen",
            "balance",
            "photo",
            "active"
        ],
        "columns in table order"
    );
    let pii: Vec<&str> = cols
        .iter()
        .filter(|c| c.pii)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        pii,
        ["email", "phone", "ssn", "home_address"],
        "PIIManager's substring rule: home_address contains `address`; card_number contains \
         no PII name (`credit_card` is), so the seed does not flag it"
    );
    let pk: Vec<&str> = cols
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(pk, ["id"]);
    let nullable = |n: &str| cols.iter().find(|c| c.name == n).unwrap().nullable;
    assert!(
        !nullable("id") && !nullable("name") && !nullable("active"),
        "NOT NULL columns"
    );
    assert!(nullable("email") && nullable("photo"), "nullable columns");
    assert!(
        cols.iter().all(|c| !c.data_type.is_empty()),
        "types as the server names them"
    );
}

async fn keyset_paging_visits_every_row_once_in_key_order(b: &Backend) {
    let t = customers(b);
    let mut ids = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let req = PageRequest {
            limit: 100,
            offset: 0,
            after: after.clone(),
        };
        let page = b.src.page(&t, &req).await.expect("page");
        assert!(page.rows.len() <= 100);
        ids.extend(page.rows.iter().map(|r| id_of(r)));
        pages += 1;
        assert!(pages <= 26, "paging must end");
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 25, "no empty trailing page");
    assert_eq!(
        ids,
        (1..=ROWS).collect::<Vec<_>>(),
        "every row once, in primary-key order"
    );

    let big = b
        .src
        .page(
            &t,
            &PageRequest {
                limit: 5_000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(big.rows.len(), 1_000, "a page is capped at 1,000 rows");
    assert_eq!(big.next_after, Some(vec![Cell::Int(1_000)]));
}

async fn offset_paging_visits_every_row_once(b: &Backend) {
    let t = customers(b);
    let mut ids = Vec::new();
    for offset in (0..ROWS as u64).step_by(300) {
        let page = b
            .src
            .page(
                &t,
                &PageRequest {
                    limit: 300,
                    offset,
                    after: None,
                },
            )
            .await
            .unwrap();
        ids.extend(page.rows.iter().map(|r| id_of(r)));
    }
    assert_eq!(ids, (1..=ROWS).collect::<Vec<_>>());
    let past = b
        .src
        .page(
            &t,
            &PageRequest {
                limit: 10,
                offset: 10_000,
                after: None,
            },
        )
        .await
        .unwrap();
    assert!(
        past.rows.is_empty() && past.next_after.is_none(),
        "past the end: nothing"
    );
}

/// The row with id `i`, through a one-row keyset page.
async fn row(b: &Backend, i: i64) -> Vec<Cell> {
    let req = PageRequest {
        limit: 1,
        offset: 0,
        after: Some(vec![Cell::Int(i - 1)]),
    };
    let page = b.src.page(&customers(b), &req).await.unwrap();
    page.rows.into_iter().next().unwrap()
}

async fn cells_decode_by_column_type(b: &Backend) {
    let r = row(b, 7).await;
    assert_eq!(r[0], Cell::Int(7));
    assert_eq!(
        r[1],
        Cell::Text("박지훈7".into()),
        "Korean text round-trips"
    );
    assert_eq!(r[2], Cell::Text("user7@example.kr".into()));
    assert_eq!(r[3], Cell::Text("010-1234-0007".into()));
    assert_eq!(
        r[4],
        Cell::Text("900101-1000007".into()),
        "an RRN is text, never a number"
    );
    assert_eq!(r[5], Cell::Text("서울특별시 강남구 테헤란로 7".into()));
    assert_eq!(r[6], Cell::Text("4111 1111 1111 0007".into()));
    assert_eq!(r[7], Cell::Timestamp(created_at(7)));
    let utc = NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(4, 12, 37)
        .unwrap();
    assert_eq!(
        r[8],
        Cell::Timestamp(utc),
        "zoned 13:12:37+09:00 is shown as naive UTC"
    );
    match (&r[9], b.dialect) {
        // Exact decimals come back as text with every digit; SQLite has no decimal type and
        // stores NUMERIC 700.25 as a REAL.
        (Cell::Text(t), Dialect::Postgres | Dialect::MySql) => assert_eq!(t, "700.25"),
        (Cell::Float(f), Dialect::Sqlite) => assert_eq!(*f, 700.25),
        (other, d) => panic!("balance on {d:?}: {other:?}"),
    }
    assert_eq!(r[10], Cell::Bytes(photo(7)), "binary stays bytes");
    assert_eq!(r[11], Cell::Bool(true));

    let r = row(b, 30).await;
    assert_eq!(r[2], Cell::Null, "NULL email");
    assert_eq!(r[8], Cell::Null, "NULL timestamp");
    assert_eq!(r[11], Cell::Bool(false));
}

async fn odd_table_names_are_quoted_not_refused(b: &Backend) {
    let t = TableRef {
        schema: b.schema.clone(),
        name: "주문 \"기록\"".into(),
    };
    let page = b
        .src
        .page(
            &t,
            &PageRequest {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.rows,
        vec![
            vec![Cell::Int(1), Cell::Text("첫 주문".into())],
            vec![Cell::Int(2), Cell::Text("two".into())],
            vec![Cell::Int(3), Cell::Null],
        ]
    );
    assert_eq!(page.columns[1].name, "memo");
}

async fn unknown_tables_are_not_found(b: &Backend) {
    let missing = TableRef {
        schema: b.schema.clone(),
        name: "no_such_table".into(),
    };
    assert!(matches!(
        b.src.columns(&missing).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        b.src
            .page(
                &missing,
                &PageRequest {
                    limit: 10,
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    let wrong_schema = TableRef {
        schema: Some("no_such_schema".into()),
        name: "customers".into(),
    };
    assert!(
        matches!(
            b.src.columns(&wrong_schema).await,
            Err(StoreError::NotFound(_))
        ),
        "a table is only found in its own schema"
    );
    let wrong_case = TableRef {
        schema: b.schema.clone(),
        name: "CUSTOMERS".into(),
    };
    assert!(
        matches!(
            b.src.columns(&wrong_case).await,
            Err(StoreError::NotFound(_))
        ),
        "names match exactly, as listed by tables()"
    );
}

async fn injection_names_are_refused_and_change_nothing(b: &Backend) {
    let attempts = [
        "customers; DROP TABLE customers; --",
        "customers\" --",
        "customers` --",
        "customers' OR '1'='1",
        "customers\0",
        "customers WHERE 1=0 UNION SELECT * FROM customers",
    ];
    for name in attempts {
        let t = TableRef {
            schema: b.schema.clone(),
            name: name.into(),
        };
        let got = b
            .src
            .page(
                &t,
                &PageRequest {
                    limit: 5,
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(got, Err(StoreError::NotFound(_))),
            "{name:?} must be refused: {got:?}"
        );
    }
    let evil_schema = TableRef {
        schema: Some("public\"; DROP TABLE customers; --".into()),
        name: "customers".into(),
    };
    assert!(matches!(
        b.src.columns(&evil_schema).await,
        Err(StoreError::NotFound(_))
    ));
    let last = b
        .src
        .page(
            &customers(b),
            &PageRequest {
                limit: 10,
                offset: (ROWS - 1) as u64,
                after: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(last.rows.len(), 1, "customers still has all its rows");
}

async fn unreachable_servers_and_bad_credentials_are_typed_errors(b: &Backend) {
    let mut o = SqlOptions::new(b.unreachable.clone());
    o.timeout = Duration::from_secs(3);
    match SqlRecordSource::connect(o).await {
        Err(StoreError::Unreachable { store, .. }) => {
            let want = match b.dialect {
                Dialect::Postgres => "PostgreSQL at 127.0.0.1:1".to_string(),
                Dialect::MySql => "MySQL at 127.0.0.1:1".to_string(),
                Dialect::Sqlite => format!(
                    "SQLite at {}",
                    b.unreachable.trim_start_matches("sqlite://")
                ),
            };
            assert_eq!(store, want, "the error names the server");
        }
        other => panic!("expected Unreachable, got {:?}", other.map(|_| ())),
    }
    if let Some(bad) = b.bad_credentials.clone() {
        match SqlRecordSource::connect(bad).await {
            Err(e @ StoreError::AuthFailed { .. }) => {
                assert!(
                    !e.to_string().contains("wrong-pw"),
                    "the password is never echoed: {e}"
                )
            }
            other => panic!("expected AuthFailed, got {:?}", other.map(|_| ())),
        }
    }
    if b.dialect != Dialect::Sqlite {
        let inline = b.unreachable.replacen('@', ":inline-secret@", 1);
        let err = SqlRecordSource::connect(SqlOptions::new(inline))
            .await
            .map(|_| ())
            .unwrap_err();
        assert!(
            matches!(err, StoreError::AuthFailed { .. }),
            "a URL with a password is refused"
        );
        assert!(!err.to_string().contains("inline-secret"), "{err}");
    }
}

async fn info_and_ping_describe_the_server(b: &Backend) {
    let info = b.src.info();
    assert!(info.read_only);
    let want = match b.dialect {
        Dialect::Postgres => "postgres",
        Dialect::MySql => "mysql",
        Dialect::Sqlite => "sqlite",
    };
    assert_eq!(info.kind, want);
    assert!(
        !info.location.contains("mode=rwc"),
        "location is a place, not options"
    );
    let ping = b.src.ping().await.expect("ping");
    assert!(!ping.version.is_empty());
}
