//! PostgreSQL and MariaDB/MySQL for tests: one server per test process, one fresh database per
//! test.

use crate::random_suffix;
use crate::servers::{
    block_on, find_binary, free_port, run_setup, running_as_root, server_dir, spawn_watched,
    wait_ready,
};
use sqlx::Connection;
use std::sync::OnceLock;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Postgres,
    MySql,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Postgres => "PostgreSQL",
            Kind::MySql => "MariaDB/MySQL",
        }
    }
}

struct SqlServer {
    kind: Kind,
    /// An account allowed to CREATE/DROP DATABASE, connected to an existing database.
    admin_url: String,
}

static PG: OnceLock<SqlServer> = OnceLock::new();
static MY: OnceLock<SqlServer> = OnceLock::new();

/// A fresh database on the test server, dropped on drop.
#[derive(Debug)]
pub struct SqlDb {
    /// `postgres://user@host:port/<name>` or `mysql://user@host:port/<name>`.
    pub url: String,
    pub name: String,
    kind: Kind,
    admin_url: String,
}

/// A fresh PostgreSQL database `rampart_t_<random>`.
pub async fn postgres() -> SqlDb {
    create(PG.get_or_init(pg_server)).await
}

/// A fresh MariaDB/MySQL database `rampart_t_<random>` (utf8mb4).
pub async fn mysql() -> SqlDb {
    create(MY.get_or_init(my_server)).await
}

async fn create(server: &SqlServer) -> SqlDb {
    let name = format!("rampart_t_{}", random_suffix(12));
    let sql = match server.kind {
        Kind::Postgres => format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"),
        Kind::MySql => format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
    };
    exec(server.kind, &server.admin_url, &sql)
        .await
        .unwrap_or_else(|e| panic!("{} refused `{sql}`: {e}", server.kind.name()));
    SqlDb {
        url: with_db(&server.admin_url, &name),
        name,
        kind: server.kind,
        admin_url: server.admin_url.clone(),
    }
}

impl Drop for SqlDb {
    fn drop(&mut self) {
        let sql = match self.kind {
            // FORCE: a pool the test forgot to close must not keep the database alive.
            Kind::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            Kind::MySql => format!("DROP DATABASE IF EXISTS {}", self.name),
        };
        let (kind, url) = (self.kind, self.admin_url.clone());
        if let Err(e) = block_on(move || async move { exec(kind, &url, &sql).await }) {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

async fn exec(kind: Kind, url: &str, sql: &str) -> Result<(), sqlx::Error> {
    match kind {
        Kind::Postgres => {
            let mut con = sqlx::PgConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut con).await?;
            con.close().await
        }
        Kind::MySql => {
            let mut con = sqlx::MySqlConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut con).await?;
            con.close().await
        }
    }
}

/// Whether `url` accepts a connection within a few seconds.
fn answers(kind: Kind, url: &str) -> bool {
    let url = url.to_string();
    block_on(move || async move {
        tokio::time::timeout(Duration::from_secs(5), exec(kind, &url, "SELECT 1"))
            .await
            .is_ok_and(|r| r.is_ok())
    })
}

/// `url` with its path replaced by `/db` (query kept).
fn with_db(url: &str, db: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[after_scheme..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest.find('?').map_or("", |i| &rest[i..]);
    format!(
        "{}{}/{db}{query}",
        &url[..after_scheme],
        &rest[..authority_end]
    )
}

fn from_env(var: &str, kind: Kind) -> Option<Option<SqlServer>> {
    match std::env::var(var).ok().filter(|v| !v.is_empty()).as_deref() {
        None => None,
        Some("spawn") => Some(None),
        Some(url) => {
            assert!(
                answers(kind, url),
                "{var} is set but {} there does not answer",
                kind.name()
            );
            Some(Some(SqlServer {
                kind,
                admin_url: url.to_string(),
            }))
        }
    }
}

fn pg_server() -> SqlServer {
    match from_env("RAMPART_TEST_PG_URL", Kind::Postgres) {
        Some(Some(server)) => return server,
        Some(None) => return spawn_pg(),
        None => {}
    }
    for user in ["postgres", "root"] {
        let url = format!("postgres://{user}@127.0.0.1:5432/test");
        if answers(Kind::Postgres, &url) {
            return SqlServer {
                kind: Kind::Postgres,
                admin_url: url,
            };
        }
    }
    spawn_pg()
}

fn spawn_pg() -> SqlServer {
    let initdb = find_binary("initdb").unwrap_or_else(|| {
        panic!(
            "no PostgreSQL for the tests: nothing answers on 127.0.0.1:5432 (database `test`, \
             user postgres or root), RAMPART_TEST_PG_URL is not set, and initdb is not installed \
             (apt-get install postgresql)"
        )
    });
    // /usr/local/bin/initdb is a symlink; `postgres` lives next to the real one.
    let bin_dir = initdb.canonicalize().unwrap_or(initdb.clone());
    let postgres = bin_dir.with_file_name("postgres");
    assert!(
        postgres.is_file(),
        "initdb found at {} but no postgres next to it",
        bin_dir.display()
    );
    let dir = server_dir("rampart-pg-");
    let data = dir.join("data");
    // PostgreSQL refuses to run as root: run it as the `postgres` user, owning the directory.
    let as_user = if running_as_root() {
        run_setup(
            "chown for PostgreSQL",
            &format!("chown -R postgres '{}'", dir.display()),
        );
        "runuser -u postgres -- "
    } else {
        ""
    };
    run_setup(
        "initdb",
        &format!(
            "{as_user}'{}' -D '{}' -U postgres --auth=trust -E UTF8 --locale=C --no-sync",
            bin_dir.display(),
            data.display()
        ),
    );
    let port = free_port();
    let cmd = format!(
        "{as_user}'{}' -D '{}' -p {port} -k '{}' -c listen_addresses=127.0.0.1 -c fsync=off \
         -c full_page_writes=off -c synchronous_commit=off",
        postgres.display(),
        data.display(),
        dir.display()
    );
    // `runuser` does not forward SIGTERM reliably: stop the postmaster by its pid file.
    let stop = format!(
        "kill -INT $(head -1 '{}/postmaster.pid') 2>/dev/null",
        data.display()
    );
    spawn_watched(&cmd, Some(&stop), &dir);
    let admin_url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
    wait_ready("PostgreSQL", &dir, Duration::from_secs(30), || {
        answers(Kind::Postgres, &admin_url)
    });
    SqlServer {
        kind: Kind::Postgres,
        admin_url,
    }
}

fn my_server() -> SqlServer {
    match from_env("RAMPART_TEST_MYSQL_URL", Kind::MySql) {
        Some(Some(server)) => return server,
        Some(None) => return spawn_my(),
        None => {}
    }
    let url = "mysql://root@127.0.0.1:3306/test";
    if answers(Kind::MySql, url) {
        return SqlServer {
            kind: Kind::MySql,
            admin_url: url.to_string(),
        };
    }
    spawn_my()
}

fn spawn_my() -> SqlServer {
    let missing = || {
        panic!(
            "no MariaDB/MySQL for the tests: nothing answers on 127.0.0.1:3306 (root, empty \
             password, database `test`), RAMPART_TEST_MYSQL_URL is not set, and mariadbd / \
             mariadb-install-db are not installed (apt-get install mariadb-server)"
        )
    };
    let install = find_binary("mariadb-install-db")
        .or_else(|| find_binary("mysql_install_db"))
        .unwrap_or_else(missing);
    let server = find_binary("mariadbd")
        .or_else(|| find_binary("mysqld"))
        .unwrap_or_else(missing);
    let dir = server_dir("rampart-mariadb-");
    let data = dir.join("data");
    let user = if running_as_root() { "--user=root" } else { "" };
    run_setup(
        "mariadb-install-db",
        &format!(
            "'{}' --no-defaults --datadir='{}' {user} --auth-root-authentication-method=normal \
             --skip-test-db",
            install.display(),
            data.display()
        ),
    );
    let port = free_port();
    let cmd = format!(
        "'{}' --no-defaults --datadir='{}' --port={port} --bind-address=127.0.0.1 \
         --socket='{dir}/mysqld.sock' --pid-file='{dir}/mysqld.pid' {user} --skip-log-bin \
         --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0",
        server.display(),
        data.display(),
        dir = dir.display()
    );
    spawn_watched(&cmd, None, &dir);
    let root = format!("mysql://root@127.0.0.1:{port}/mysql");
    wait_ready("MariaDB", &dir, Duration::from_secs(60), || {
        answers(Kind::MySql, &root)
    });
    SqlServer {
        kind: Kind::MySql,
        admin_url: root,
    }
}

#[cfg(test)]
mod tests {
    use super::with_db;

    #[test]
    fn with_db_replaces_the_path_and_keeps_the_query() {
        assert_eq!(with_db("postgres://u@h:1/test", "x"), "postgres://u@h:1/x");
        assert_eq!(with_db("postgres://u@h:1", "x"), "postgres://u@h:1/x");
        assert_eq!(
            with_db("mysql://u@h:1/a?ssl-mode=disabled", "x"),
            "mysql://u@h:1/x?ssl-mode=disabled"
        );
    }
}
