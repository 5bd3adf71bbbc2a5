//! The rig's own tests. Run them once with `RAMPART_TEST_REDIS_URL=spawn
//! RAMPART_TEST_PG_URL=spawn RAMPART_TEST_MYSQL_URL=spawn` to prove the throwaway-server path.

use super::*;
use sqlx::Connection;

#[tokio::test]
async fn redis_leases_are_isolated_and_cleaned() {
    let a = redis().await;
    let b = redis().await;
    assert_ne!(a.db, b.db, "two live leases never share a DB");
    assert!(
        a.url.ends_with(&format!("/{}", a.db)),
        "the URL selects the DB: {}",
        a.url
    );
    let client = ::redis::Client::open(a.url.as_str()).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = ::redis::cmd("SET")
        .arg("k")
        .arg("v")
        .query_async(&mut con)
        .await
        .unwrap();
    let db = a.db;
    let base = a.url.rsplit_once('/').unwrap().0.to_string();
    drop(a);
    let n: u64 = ::redis::cmd("DBSIZE").query_async(&mut con).await.unwrap();
    assert_eq!(n, 0, "a dropped lease leaves its DB empty");
    let client0 = ::redis::Client::open(format!("{base}/0")).unwrap();
    let mut con0 = client0.get_multiplexed_async_connection().await.unwrap();
    let held: Option<String> = ::redis::cmd("GET")
        .arg(format!("rampart:test:lease:{db}"))
        .query_async(&mut con0)
        .await
        .unwrap();
    assert_eq!(held, None, "a dropped lease releases its lease key");
    drop(b);
}

#[tokio::test]
async fn acl_users_are_deleted_on_drop() {
    let lease = redis().await;
    let user = lease.acl_user(&["~*", "+@all"]);
    let client = ::redis::Client::open(lease.url.as_str()).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let name = user.name.clone();
    let exists = |users: Vec<String>| users.contains(&name);
    let users: Vec<String> = ::redis::cmd("ACL")
        .arg("USERS")
        .query_async(&mut con)
        .await
        .unwrap();
    assert!(exists(users), "the user was created");
    drop(user);
    let users: Vec<String> = ::redis::cmd("ACL")
        .arg("USERS")
        .query_async(&mut con)
        .await
        .unwrap();
    assert!(!exists(users), "the user is gone after drop");
}

#[tokio::test]
async fn postgres_databases_are_fresh_and_dropped() {
    let db = postgres().await;
    assert!(db.name.starts_with("rampart_t_"));
    let mut con = sqlx::PgConnection::connect(&db.url)
        .await
        .expect("connect to the fresh db");
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut con)
    .await
    .unwrap();
    assert_eq!(n, 0, "a fresh database has no tables");
    con.close().await.unwrap();
    let url = db.url.clone();
    drop(db);
    assert!(
        sqlx::PgConnection::connect(&url).await.is_err(),
        "the database is dropped"
    );
}

#[tokio::test]
async fn mysql_databases_are_fresh_and_dropped() {
    let db = mysql().await;
    let mut con = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connect to the fresh db");
    let charset: String = sqlx::query_scalar("SELECT @@character_set_database")
        .fetch_one(&mut con)
        .await
        .unwrap();
    assert_eq!(charset, "utf8mb4", "Korean and emoji need utf8mb4");
    con.close().await.unwrap();
    let url = db.url.clone();
    drop(db);
    assert!(
        sqlx::MySqlConnection::connect(&url).await.is_err(),
        "the database is dropped"
    );
}

#[test]
fn sqlite_files_live_in_a_removed_temp_dir() {
    let f = sqlite_file();
    assert!(f.path.starts_with(f.dir.path()));
    assert!(f.url.starts_with("sqlite://") && f.url.ends_with("?mode=rwc"));
    let dir = f.dir.path().to_path_buf();
    drop(f);
    assert!(!dir.exists(), "the temp dir is removed on drop");
}

#[test]
fn repo_root_is_the_workspace() {
    assert!(repo_root().join("Cargo.toml").is_file());
    assert!(repo_root().join("crates/testkit").is_dir());
}
