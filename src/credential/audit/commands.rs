//! Passwords given with a user on one line ("login: bob / X", "u: admin  p: X") and on the
//! command lines people paste from a terminal (`mysql -pX`, `sshpass -p X`, `curl -u user:X`,
//! `net use ... /user:NAME X`, `PGPASSWORD=X`, ...), and whether a line names a user and a
//! host.

use std::sync::OnceLock;

use regex::Regex;

use super::lower::Lower;
use super::ruleset::RuleSet;

pub(super) fn user_host(line: &str) -> (bool, bool) {
    static U: OnceLock<Regex> = OnceLock::new();
    static H: OnceLock<Regex> = OnceLock::new();
    let u = U.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:user(?:\s?name)?|login|benutzer(?:name)?|kennung|utilisateur|identifiant|usuario|utente|gebruiker(?:snaam)?|account|uid)(?-u:\b)\s*[:=]|\s-u\s?\S|--user|/user:|(?-u:\b)[\w.-]+@(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)")
            .expect("built-in pattern")
    });
    let h = H.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)(?:host(?:name)?|server|address|adresse|ip|url|endpoint|serveur|servidor|rechner)(?-u:\b)(?:\s*[:=]|\s+(?:is|ist|est|es|è)\s)|(?-u:\b)(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)|\s-h\s?\S|--host|\\\\[\w.-]+|@[\w-]+\.[\w.-]+")
            .expect("built-in pattern")
    });
    (u.is_match(line), h.is_match(line))
}

/// Login lines that give user and password together: "login: bob / X", "creds: admin:X".
pub(super) fn login_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r#"(?i)(?:^|[^\p{L}._$])(?:(?:log|sign)\s*-?in(?:\s+(?:to|at|on)\s+\S+)?\s+with|connecte[zr]?-vous\s+avec|anmelden\s+mit|inicia\s+sesi[oó]n\s+con|accedi\s+con|log\s+in\s+met|log\s*-?in\s+(?:credentials?|details|data|info(?:rmation)?)|login|log-in|logon|credentials?|creds|zugangsdaten|zugang|anmeldedaten|identifiants?|credenciales|credenziali|inloggegevens|account|konto|compte|cuenta|user\s*/\s*pass(?:word)?|username\s*/\s*password|user\s*/\s*pw|u/p|benutzer(?:name)?\s*/\s*passwort)(?-u:\b)(?:\s+(?:is|are|sind|sont|son|sono|zijn))?\s*[:=\-(]?\s*['"`]?([A-Za-z0-9_@\\-][A-Za-z0-9_.@\\-]*)['"`]?\s*(?:/|:|,|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+|\s+e\s+|\s+en\s+|(\s))\s*"#)
            .expect("built-in pattern")
    })
}

/// A user and its password on one line with the shortest labels: "u: admin  p: X".
pub(super) fn user_p_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?:^|[\s(])(?:u|usr|user|username|login|benutzer|utilisateur|usuario|utente|gebruiker)\s*[:=]\s*\S+[\s,;/|]+p\s*[:=]\s*(\S)")
            .expect("built-in pattern")
    })
}

/// Command lines with a password in an option, as people paste them from a terminal.
/// Each rule's capture group 1 holds the password.
pub(super) fn command_rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| {
        RuleSet::new(vec![
            r#"(?i)(?-u:\b)(?:mysql|mysq\S|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh)(?-u:\b)[^\n]*?\s-p['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?:^|\s)--(?:password|passwd|pass|pw|db-?password|dbpass|http-password|ftp-password|proxy-password|bind-password|admin-password|root-password)(?:=|\s+)['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)sshpass\s+-p\s*['"]?([^\s'"]+)"#,
            r#"(?-u:\b)redis-cli(?-u:\b)[^\n]*?\s-a\s+['"]?([^\s'"<-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)(?:curl|wget|http)(?-u:\b)[^\n]*?\s(?:-u|--user|--basic\s+-u)\s*['"]?[^\s:'"]+:([^\s'"@]+)"#,
            r#"(?i)(?-u:\b)redis-cli(?-u:\b)[^\n]*?\s-a\s+['"]?([^\s'"]+)"#,
            r#"(?i)(?-u:\b)mongo(?:sh|dump|restore)?(?-u:\b)[^\n]*?\s-p\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)smbclient(?-u:\b)[^\n]*?\s-U\s*['"]?[^\s%'"]+%([^\s'"]+)"#,
            r#"(?i)(?-u:\b)xfreerdp(?-u:\b)[^\n]*?\s/p:['"]?([^\s'"]+)"#,
            r#"(?i)(?-u:\b)rdesktop(?-u:\b)[^\n]*?\s-p\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)ldap\w*(?-u:\b)[^\n]*?\s-w\s+['"]?([^\s'"-][^\s'"]*)"#,
            // Oracle's tools take `user/password@database`: `sqlplus scott/X@db1`.
            r#"(?i)(?-u:\b)(?:sqlplus|sqlldr|expdp|impdp|dgmgrl|rman\s+target)(?-u:\b)(?:\s+-\w+)*\s+['"]?[A-Za-z_][\w$#]*/"?([^\s@'"/]+)"?(?:@|\s|['"]|$)"#,
            r#"(?-u:\b)mosquitto_(?:pub|sub|rr)(?-u:\b)[^\n]*?\s-P\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)sqlcmd(?-u:\b)[^\n]*?\s-P\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)(?:docker|podman|helm)\s+(?:registry\s+)?login(?-u:\b)[^\n]*?\s-p\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)htpasswd\s+-\w*b\w*\s+\S+\s+\S+\s+['"]?([^\s'"]+)"#,
            r#"(?i)-(?:passin|passout)\s+pass:['"]?([^\s'"]+)"#,
            r#"(?i)(?-u:\b)(?:zip|unzip)(?-u:\b)[^\n]*?\s-P\s+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?i)(?-u:\b)7za?(?-u:\b)[^\n]*?\s-p([^\s'"]+)"#,
            r#"(?i)(?-u:\b)echo\s+['"]?([^\s'"|]+)['"]?\s*\|\s*sudo\s+-S"#,
            r#"(?-u:\b)(?:PGPASSWORD|MYSQL_PWD|REDISCLI_AUTH|SSHPASS|PGPASS|RCLONE_CONFIG_PASS)=['"]?([^\s'"]+)"#,
            r#"(?i)(?-u:\b)impacket-\w+\s+[^\s:/]+/[^\s:]+:([^\s@]+)@"#,
            // Any tool given a user and a password: `-u bob -p 'X'`, `--username bob -p X`.
            r#"(?:^|\s)(?:-u|-U|--user(?:name)?)[\s=]+['"]?[^\s'"-][^\s'"]*['"]?\s(?:[^\n]{0,120}?\s)?-p[\s=]+['"]?([^\s'"-][^\s'"]*)"#,
            r#"(?:^|\s)-p[\s=]+['"]?([^\s'"-][^\s'"]*)['"]?\s(?:[^\n]{0,120}?\s)?(?:-u|-U|--user(?:name)?)[\s=]+\S"#,
            // MySQL's way, whatever runs it: `-uroot -pS3cret` (both glued to their option).
            r#"(?:^|\s)-u[\s=]?['"]?[A-Za-z_][\w.@-]*['"]?\s(?:[^\n]{0,120}?\s)?-p['"]?([^\s'"-][^\s'"]*)"#,
            // A quoted `-p` on a line with user@host.
            r#"(?-u:\b)[\w.-]+@[\w.-]+(?-u:\b).*?\s-p\s+'([^'\s]{6,})'"#,
            // Windows and Kerberos accounts: `corp.example.com/alice:X`, `CORP\alice:X`.
            r#"(?:^|[\s`'"])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}/[\w.$-]+:'?([^\s'`@]{6,})"#,
            // NetworkManager: `nmcli ... wifi-sec.psk X`.
            r#"(?i)(?-u:\b)(?:wifi-sec|802-11-wireless-security)\.psk\s+['"]?([^\s'"]{8,})"#,
            // sendmail's authinfo: `AuthInfo:smtp.example.org "U:jdoe" "P:X" "M:PLAIN"`.
            r#"(?i)(?-u:\b)AuthInfo:[^\n]*?"P:([^"\s]{3,})""#,
            // PowerShell: `ConvertTo-SecureString "X" -AsPlainText -Force` (the string's place
            // varies), .NET's `NetworkCredential("user", "X")`.
            r#"(?i)ConvertTo-SecureString\s+(?:-AsPlainText\s+|-Force\s+)*(?:-String\s+)?["']([^"'\s]{4,})["']"#,
            // Metasploit's login scanners report what worked: `[+] 10.0.0.5:445 - Success:
            // '.\Administrator:X' Administrator`, `Success: 'root:X' 'uid=0(root) ...'`.
            r#"(?i)\[\+\][^\n]*?(?-u:\b)success:\s+'(?:[^'\s:\\]*\\)?[^'\s:]+:([^'\n]{4,})'"#,
            // PowerShell's error when a plain string reaches a SecureString parameter: "Cannot
            // bind parameter 'Password'. Cannot convert the "X" value of type ...".
            r#"(?i)cannot\s+bind\s+parameter\s+'\w*pass\w*'\.\s+cannot\s+convert\s+the\s+"([^"\n]{4,})"\s+value"#,
            r#"(?i)NetworkCredential(?:\]::new)?\s*\(\s*["'][^"']*["']\s*,\s*["']([^"'\s]{4,})["']"#,
            // Java's key stores: `keytool ... -storepass X`, `jarsigner -keypass X`.
            r#"(?i)\s-(?:src|dest)?(?:storepass|keypass)\s+['"]?([^\s'"-][^\s'"]*)"#,
            // A server board's BMC: `ipmitool -I lanplus -H host -U ADMIN -P X`.
            r#"(?i)(?-u:\b)ipmitool(?-u:\b)[^\n]*?\s-P\s+['"]?([^\s'"-][^\s'"]*)"#,
            // SNMPv3's authentication and privacy passphrases: `snmpwalk -v3 ... -A X -X Y`.
            r#"(?-u:\b)snmp(?:\w+|\s+(?:get|getnext|walk|bulkget|bulkwalk|set|trap))(?-u:\b)[^\n]*?\s-[AX]\s+['"]?([^\s'"-][^\s'"]*)"#,
            // lftp's `-u user,password`.
            r#"(?i)(?-u:\b)lftp(?-u:\b)[^\n]*?\s-u\s+['"]?[^\s,'"]+,([^\s'"]+)"#,
            // Windows: `net user NAME X /add` sets an account's password.
            r#"(?i)(?-u:\b)net\s+user\s+(?:"[^"\n]+"|[^\s/"]+)\s+['"]?([^\s'"/*][^\s'"]*)['"]?(?:\s+/\w+[^\n]*)?$"#,
            // SQL: `CREATE USER ... IDENTIFIED BY 'X'`, MySQL 5's `GRANT ... TO 'u'@'%' IDENTIFIED
            // BY 'X'`.
            r#"(?i)(?-u:\b)(?:user|role|login|to)(?-u:\b)[^\n]*?(?-u:\b)identified\s+(?:with\s+\w+\s+)?by\s+['"]([^'"]{4,})['"]"#,
        ])
    })
}

pub(super) fn net_use(line: &str) -> Option<(String, String)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"(?i)(?-u:\b)net\s+use(?-u:\b)(.*)").expect("built-in pattern")
    });
    let args = re.captures(line)?.get(1)?.as_str();
    let toks: Vec<&str> = args.split_whitespace().collect();
    let ui = toks.iter().position(|t| {
        let l = t.to_lowercase();
        l.starts_with("/user:") || l.starts_with("/u:")
    })?;
    let ok = |t: &str| {
        !(t.starts_with('/')
            || t.starts_with("\\\\")
            || t == "*"
            || (t.len() == 2 && t.ends_with(':')))
    };
    let pw = toks.get(ui + 1).filter(|t| ok(t)).or_else(|| {
        ui.checked_sub(1)
            .and_then(|i| toks.get(i))
            .filter(|t| ok(t) && ui >= 2)
    })?;
    Some((
        toks[..ui].join(" "),
        pw.trim_matches(['"', '\'']).to_string(),
    ))
}

/// The passwords of PostgreSQL's password file as people paste it (`cat ~/.pgpass`, "my
/// .pgpass line is ..."): `host:port:database:user:password`, a port's number (or `*`) in the
/// second field.
pub(super) fn pgpass_values(text: &str) -> Vec<(String, String)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let re = R.get_or_init(|| {
        super::pattern::regex(r"^[A-Za-z0-9_.*-]+:(?:\d{1,5}|\*):[^:\s]+:[^:\s]+:(\S+)$")
            .expect("built-in pattern")
    });
    // (A port between colons is rare in mail: only the lines that have one are read.)
    static PORT: OnceLock<Regex> = OnceLock::new();
    let port = PORT.get_or_init(|| {
        super::pattern::regex(r":(?:\d{1,5}|\*):[^:\s]+:").expect("built-in pattern")
    });
    let mut seen = usize::MAX;
    port.find_iter(text)
        .filter_map(|m| {
            let start = text[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            let end = text[m.end()..]
                .find('\n')
                .map_or(text.len(), |i| m.end() + i);
            (start != seen).then(|| {
                seen = start;
                &text[start..end]
            })
        })
        .filter_map(|l| {
            let l = l.trim().trim_matches('`');
            // (A hardware address is hex pairs between colons: "00:00:00:00:5a:ad".)
            let mac = l
                .trim_end_matches('.')
                .split(':')
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
            if mac {
                return None;
            }
            let c = re.captures(l)?;
            let v = c.get(1)?.as_str();
            let at = c.get(1)?.start();
            Some((l[..at].to_string(), v.to_string()))
        })
        .collect()
}

/// Whether an option's value comes after `--password` of one of PostgreSQL's programs
/// (`psql`, `pg_dump`, `createdb`, ... and Pyrseas' `dbtoyaml`): it asks for the password
/// instead of taking one, so "psql -U postgres --password postgres" names the database.
/// `before` is the line up to the value.
pub(super) fn postgres_prompt(before: &str, lc: &Lower) -> bool {
    before.trim_end().ends_with("--password")
        && [
            "psql",
            "pg_dump",
            "pg_restore",
            "pg_basebackup",
            "createdb",
            "dropdb",
            "createuser",
            "dropuser",
            "vacuumdb",
            "reindexdb",
            "pgbench",
            "dbtoyaml",
            "yamltodb",
        ]
        .iter()
        .any(|w| lc.has(w))
}

/// Whether the option's value at `line[at..]`, `v`, is something else than a password: a
/// port or a port mapping after `-p` ("-p 2222", "-p 8080:80"), MySQL's database after a bare
/// `-p`, psql's prompt, or a program whose `-p` means another thing (`mkdir -p dir`).
pub(super) fn no_password_option(line: &str, at: usize, v: &str, lc: &Lower) -> bool {
    // A port or a port mapping after `-p` ("-p 2222", "-p 8080:80").
    let port = (v.contains(':') || v.len() <= 5)
        && v.chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    // MySQL asks for the password after a bare `-p`: "mysql -u root -p mydb" names
    // the database.
    let database = line[..at].trim_end_matches(['\'', '"']).ends_with(' ')
        && line[..at].trim_end().ends_with("-p")
        && (lc.has("mysql") || lc.has("mariadb"));
    let prompt = postgres_prompt(&line[..at], lc);
    // A program whose `-p` is no password's: `mkdir -p dir`, `cp -p`, `patch -p1`.
    let other_p = line[..at]
        .trim_end_matches(['\'', '"', ' ', '='])
        .strip_suffix("-p")
        .and_then(|b| b.split_whitespace().next_back())
        .is_some_and(|prog| {
            [
                "mkdir", "cp", "install", "patch", "ls", "ps", "sed", "read", "perl",
            ]
            .contains(&prog.rsplit('/').next().unwrap_or(prog))
        });
    // A container image's tag (`docker.io/archlinux:base-devel`) or a source file's place
    // (`dmesg.kernel/pid.c:#suspicious_rcu...`), not `realm/account:password`.
    let word = line[..at]
        .trim_end_matches(['\'', ':'])
        .rsplit([' ', '\t', '`', '"', '\''])
        .next()
        .unwrap_or("");
    let image_or_source = word.split_once('/').is_some_and(|(host, path)| {
        let host = host.to_ascii_lowercase();
        [
            "docker.io",
            "ghcr.io",
            "quay.io",
            "gcr.io",
            "mcr.microsoft.com",
            "public.ecr.aws",
        ]
        .contains(&host.as_str())
            || host.starts_with("registry.")
            || host.ends_with(".azurecr.io")
            || host.ends_with(".pkg.dev")
            || path.rsplit_once('.').is_some_and(|(_, ext)| {
                (1..=2).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_lowercase())
            })
    }) || v.starts_with(['#', '%']);
    // A protocol after `-p` (conntrack's, iptables'): `-p icmp`, `-p tcp`.
    let protocol = [
        "tcp",
        "udp",
        "icmp",
        "icmpv6",
        "ipv6-icmp",
        "sctp",
        "gre",
        "dccp",
        "udplite",
        "esp",
        "ah",
        "all",
    ]
    .contains(&v.to_ascii_lowercase().as_str());
    port || database || prompt || other_p || image_or_source || protocol
}
