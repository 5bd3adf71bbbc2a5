// The demo operator accounts `rampart demo seed` creates (crates/core demo; README "Demo data").
export const DEMO_PASSWORD = "Rampart-demo-2026";

export const OPERATORS = {
  officer: { email: "officer@rampart.demo", role: "security_officer", totpSecret: "RAMPARTDEMOSECURITYOFFICER234567" },
  auditor: { email: "auditor@rampart.demo", role: "auditor", totpSecret: "RAMPARTDEMOAUDITOR22222222222222" },
  custodian: { email: "custodian@rampart.demo", role: "key_custodian", totpSecret: "RAMPARTDEMOKEYCUSTODIAN333333333" },
  admin: { email: "admin@rampart.demo", role: "console_admin", totpSecret: "RAMPARTDEMOCONSOLEADMIN444444444" },
};

/** Plans small enough for E2E (a few seconds) yet with every figure non-zero. */
export const E2E_SEED = ["--seed", "1", "--users", "2000", "--events", "50000", "--customers", "500"];
