//! Unit tests for what the contract suite cannot see from outside the port: redaction, quoting,
//! the generated SQL, and that read-only sessions really refuse writes on each server.

use super::*;
use secrecy::SecretString;

#[test]
fn debug_of_options_never_shows_the_password() {
    let mut o = SqlOptions::new("postgres://svc@db.internal:5432/app");
    o.password = Some(SecretString::from("hunter2-하늘".to_string()));
    let shown = format!("{o:?}");
    assert!(
        !shown.contains("hunter2"),
        "password leaked into Debug: {shown}"
    );
    assert!(
        shown.contains("<redacted>"),
        "Debug should say a password is set: {shown}"
    );
}

#[test]
fn identifiers_are_quoted_by_doubling_per_dialect() {
    let cases = [
        (Dialect::Postgres, r#"a"b"#, r#""a""b""#),
        (Dialect::Sqlite, "고객 목록", "\"고객 목록\""),
        (Dialect::MySql, "a`b; DROP TABLE t", "`a``b; DROP TABLE t`"),
    ];
    for (d, raw, quoted) in cases {
        assert_eq!(d.quote(raw).unwrap(), quoted, "{d:?} quoting of {raw:?}");
    }
    assert!(
        Dialect::Postgres.quote("a\0b").is_err(),
        "NUL cannot be quoted safely"
    );
}

#[test]
fn url_schemes_pick_the_backend_and_others_are_refused() {
    assert_eq!(
        Dialect::from_url("postgresql://h/db").unwrap(),
        Dialect::Postgres
    );
    assert_eq!(Dialect::from_url("mariadb://h/db").unwrap(), Dialect::MySql);
    assert_eq!(
        Dialect::from_url("sqlite:///tmp/x.db").unwrap(),
        Dialect::Sqlite
    );
    assert!(Dialect::from_url("mssql://h/db").is_err());
}

#[test]
fn inline_passwords_are_refused_and_locations_carry_no_credentials() {
    let err = refuse_inline_password("PostgreSQL at h:5432", "postgres://u:pw@h/db").unwrap_err();
    assert!(matches!(err, StoreError::AuthFailed { .. }), "{err:?}");
    assert!(
        !err.to_string().contains("pw@"),
        "message must not echo the URL: {err}"
    );
    assert_eq!(
        redacted_location("postgres://u@h:5432/db?sslmode=require"),
        "postgres://u@h:5432/db"
    );
}

fn table(kinds: &[(&str, Kind, Option<u32>)]) -> Resolved {
    Resolved {
        schema: Some("public".into()),
        name: "cust\"omers".into(),
        columns: kinds
            .iter()
            .map(|(n, k, pk)| Column {
                info: ColumnInfo {
                    name: n.to_string(),
                    data_type: "x".into(),
                    nullable: true,
                    primary_key: pk.is_some(),
                    pii: false,
                },
                kind: *k,
                pk_pos: *pk,
                sql_type: "numeric(10,2)".into(),
            })
            .collect(),
    }
}

#[test]
fn page_sql_quotes_names_casts_exact_types_and_uses_row_value_keysets() {
    let t = table(&[
        ("id", Kind::CastText, Some(1)),
        ("k2", Kind::Int, Some(2)),
        ("b", Kind::Bytes, None),
    ]);
    let pg = page_sql(Dialect::Postgres, &t, &[0, 1], true, 101, 0).unwrap();
    assert_eq!(
        pg,
        r#"SELECT "id"::text, "k2", "b" FROM "public"."cust""omers" WHERE ("id", "k2") > (CAST($1 AS numeric(10,2)), CAST($2 AS numeric(10,2))) ORDER BY "id", "k2" LIMIT 101"#
    );
    let my = page_sql(Dialect::MySql, &t, &[0], false, 11, 20).unwrap();
    assert_eq!(
        my,
        "SELECT CAST(`id` AS CHAR), `k2`, `b` FROM `public`.`cust\"omers` ORDER BY `id` LIMIT 11 OFFSET 20"
    );
    let lite = page_sql(Dialect::Sqlite, &t, &[1], true, 2, 5).unwrap();
    assert_eq!(
        lite, r#"SELECT "id", "k2", "b" FROM "cust""omers" WHERE "k2" > ? ORDER BY "k2" LIMIT 2"#,
        "SQLite has no schema qualifier and keyset ignores the offset"
    );
}

#[test]
fn sqlite_time_text_forms_parse_to_naive_utc() {
    let at = |s: &str| sqlite::parse_time(s).map(|t| t.to_string());
    assert_eq!(
        at("2026-11-24 04:12:37").as_deref(),
        Some("2026-11-24 04:12:37")
    );
    assert_eq!(
        at("2026-11-24T04:12:37.495057").as_deref(),
        Some("2026-11-24 04:12:37.495057")
    );
    assert_eq!(
        at("2026-11-24T13:12:37+09:00").as_deref(),
        Some("2026-11-24 04:12:37"),
        "KST to UTC"
    );
    assert_eq!(
        at("2026-11-24 04:12:37Z").as_deref(),
        Some("2026-11-24 04:12:37")
    );
    assert_eq!(at("2026-11-24").as_deref(), Some("2026-11-24 00:00:00"));
    assert_eq!(at("not a date"), None);
}

/// A write through a read-only source's own pool must be refused by the server itself: the
/// session setup is the defence in depth the module docs promise.
async fn assert_write_refused(src: &SqlRecordSource, create: &str) {
    let res = match &src.pool {
        Pool::Postgres(p) => sqlx::query(create).execute(p).await.map(|_| ()),
        Pool::MySql(p) => sqlx::query(create).execute(p).await.map(|_| ()),
        Pool::Sqlite(p) => sqlx::query(create).execute(p).await.map(|_| ()),
    };
    let err = res.expect_err("a read-only session accepted a write");
    let mapped = map_sqlx(&src.store, "write", err);
    assert!(
        matches!(mapped, StoreError::ReadOnly { .. }),
        "expected ReadOnly, got {mapped:?}"
    );
}

#[tokio::test]
async fn read_only_postgres_sessions_refuse_writes() {
    let db = rampart_testkit::postgres().await;
    let src = SqlRecordSource::connect(SqlOptions::new(db.url.clone()))
        .await
        .unwrap();
    assert_write_refused(&src, "CREATE TABLE should_not_exist (a int)").await;
}

#[tokio::test]
async fn read_only_mysql_sessions_refuse_writes() {
    let db = rampart_testkit::mysql().await;
    let setup = sqlx::MySqlPool::connect(&db.url).await.unwrap();
    sqlx::query("CREATE TABLE t (a INT)")
        .execute(&setup)
        .await
        .unwrap();
    let src = SqlRecordSource::connect(SqlOptions::new(db.url.clone()))
        .await
        .unwrap();
    // DDL commits implicitly in MySQL and ignores the transaction mode; DML is what the
    // read-only session mode governs.
    assert_write_refused(&src, "INSERT INTO t VALUES (1)").await;
}

#[tokio::test]
async fn read_only_sqlite_files_refuse_writes() {
    let db = rampart_testkit::sqlite_file();
    let setup = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db.path)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::query("CREATE TABLE t (a INT)")
        .execute(&setup)
        .await
        .unwrap();
    setup.close().await;
    let src = SqlRecordSource::connect(SqlOptions::new(db.url.clone()))
        .await
        .unwrap();
    assert_write_refused(&src, "INSERT INTO t VALUES (1)").await;
}
