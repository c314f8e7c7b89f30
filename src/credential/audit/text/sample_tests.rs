//! The text rules on what documentation and tests write: samples, stand-ins in links,
//! accounts numbered with their users, blocks under an example key, a detector's test vectors
//! (our own values). Apart from `tests.rs` to keep each file short.

use super::*;

#[test]
fn documentation_samples_are_no_leak() {
    for t in [
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "SLACK_TOKEN=xoxb-not-a-real-token-this-will-not-work",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "stripe.api_key = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"",
        "Authorization: Bearer xoxb-some-token",
        // A payment provider's object ids name a thing and grant nothing.
        "Stripe\\Error\\InvalidRequest: No such token: tok_17KWnFLQDFaA7w6ESgjOECQy (test mode)",
        "message: \"No such token: tok_1CrmBHAcmh4Y1Je6f8WpYmOV\",",
        // A detector's test vectors: the phrase, then the value it should find.
        "{ \"Das Passwort lautet Berg9!Mond heute\", \"Berg9!Mond\" },",
        "(\"the password is Wq7!kd92LmZx\", \"Wq7!kd92LmZx\"),",
        // An API's documented request under a key naming it an example.
        "    example_requests: {\n      login: {\n        body: {\n          email: \"eigenaar@rijschool.nl\",\n          wachtwoord: \"eigenaar123\"\n        }\n      }\n    }",
        // A password word inside a test's value, code after it.
        "expect((await login(app, 'a@example.nl', 'verkeerd-wachtwoord')).res.statusCode).toBe(401);",
        // A series of numbered stand-ins.
        "helm install t --set a.postgresqlPassword=password1 --set b.postgresqlPassword=password2",
        // A host whose name holds a login word, and its port.
        "BlobEndpoint=https://edge-blobs-account.test.com:11002/devstore;",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    assert!(!scan("aws_access_key_id = AKIA2E0A8F3B244C9986").is_empty());
}

#[test]
fn stand_ins_in_links_stay_clean() {
    for t in [
        "mongodb://testUser:testPass@localhost",
        "`sshpass -p myIloPw ssh myIloUsr@MyIloIp 'fan p 3 max 255'`",
        "The format is `jdbc:postgresql://host/database?user=fred&password=secret&...`",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    assert!(!scan("mongodb://report:Zk4rWq9x@db.corp.net/logs").is_empty());
}

#[test]
fn samples_numbered_with_their_users() {
    let t = "poll server1 proto imap user \"user1\" password \"password1\"\n  user user3-1 password \"password3-1\"";
    assert!(scan(t).is_empty(), "{:?}", scan(t));
    // A weak password with a number is still one when no user carries the number.
    assert!(!scan("user: jdoe\npassword: Password1").is_empty());
}

#[test]
fn a_block_after_an_example_key_ends_where_its_indent_does() {
    let t = "examples:\n  login:\n    password: \"Kq8mWz2Lp\"\npassword: \"Tz7!mQw2Lx\"";
    let found: Vec<String> = scan(t).iter().map(|h| h.value.to_string()).collect();
    assert_eq!(found, vec!["Tz7!mQw2Lx"]);
    // Without indents (as an HTML body shows it), the brackets end the block.
    let t = "sample_request: {\nbody: {\npassword: \"Kq8mWz2Lp\"\n}\n}\nDB_PASSWORD=Tz7!mQw2Lx";
    let found: Vec<String> = scan(t).iter().map(|h| h.value.to_string()).collect();
    assert_eq!(found, vec!["Tz7!mQw2Lx"]);
}

#[test]
fn a_manuals_defaults_and_accounts_named_like_their_password() {
    for t in [
        "Enter the password to log in. The factory default password is administrator.",
        "Default settings are:\nUser: User name: user, Password: <serial number>\nAdministrator: User name: administrator, Password: admin",
        "ldapsearch -H ldap://localhost -b dc=example,dc=org -D \"cn=admin,dc=example,dc=org\" -w admin",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // An organisation's default, and a default left on a server on the internet, are leaks.
    for t in [
        "new hires get the default password Welcome2026! which they must change at first login",
        "URL: http://115.112.167.25:3000/lua/login.lua\nUser ID: admin\nPassword: admin",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
    assert!(scan("I assume you forget to set the requirepass parameter.").is_empty());
    assert!(!scan("requirepass Hx83!kq2Lm").is_empty());
}

#[test]
fn numbered_secret_names_boasts_and_descriptions_are_samples() {
    for t in [
        "POSTGRESQL_URL=\"postgres://postgres:LlaveSecreta01@db:5432/shop\"\nSESSION_KEY=\"LlaveSecreta02\"",
        "EMAIL_HOST = 'mail.superserver.net'\nEMAIL_HOST_PASSWORD = 'UnbreakablePassword'",
        "- SESSION_KEY: Key to encrypt session cookies\n- APP_ADMIN_PASSWORD: Webpage admin password",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // An old password and its new one, and a YAML setting's one word, are leaks.
    for t in [
        "the old password was Summer2023, the new password is Summer2024",
        "APP_ADMIN_PASSWORD: Sunshine",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
}

#[test]
fn a_laravel_application_key() {
    let t = "APP_ENV=local\nAPP_KEY=base64:7/V30U5hB7fjsLe77BhM6nrqB19J7Fp7jI/3Yl54Q94=\n";
    let found: Vec<&str> = scan(t).iter().map(|h| h.kind).collect();
    assert_eq!(found, vec!["token"]);
    // Laravel's `.env.example` leaves it empty.
    assert!(scan("APP_KEY=\nAPP_DEBUG=true").is_empty());
}

#[test]
fn a_ci_jobs_throwaway_services() {
    for t in [
        "SSH_PRIVATE_KEY=ssh_private_key_string",
        "CREATE USER 'gitlab_ci'@'localhost' IDENTIFIED BY 'gitlab_ci';",
        "    MYSQL_PASSWORD: testing-password\n    MYSQL_ROOT_PASSWORD: testing-password2",
        "\"POSTGRES_PASSWORD\": \"password123\",\n\"POSTGRES_URL\": \"postgresql://launchpad:password123@postgres:5432/launchpad\"",
        "        env:\n          POSTGRES_USER: prisma\n          POSTGRES_PASSWORD: prisma",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // A real host, or a password that is no password word with a number, is a leak.
    for t in [
        "postgresql://launchpad:password123@db.corp-mail.net:5432/launchpad",
        "postgresql://app:Kq8mWz2Lp@postgres:5432/app",
        "Hi Sam,\n\nDATABASE_PASSWORD=\"D@taB4se-Pw\"\n\nCheers",
        "CREATE USER 'report'@'10.0.4.7' IDENTIFIED BY 'Kq8mWz2Lp';",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
}

#[test]
fn masks_alphabets_field_names_and_described_values_are_stand_ins() {
    for t in [
        // A value masked from some point on, and a format's example in alphabetical order.
        "bandit11@bandit:~$ cat data.txt | tr a-zA-Z n-za-mN-ZA-M\nThe password is 5Te8Y4##########################",
        "# EMAIL_PASSWORD = \"abcd efgh ijkl mnop\"",
        // A field's name where its value would be; words naming the slot.
        "groups:\n  defaultgrp:\n    username: username\n    password: username",
        "    - MYSQL_ROOT_PASSWORD=_mysql_root_pw_\n    - MYSQL_PASSWORD=_my_password",
        "rclone config create dav webdav url=https://mydomain.com user=k pass=reallyreallylongpasswordof32chrs",
        // A file's path, and the name a secret is kept under.
        "openvpn --config \".\\server.ovpn\" --auth-user-pass \".\\credentials\" --auth-nocache",
        "  - OPENVPN_AUTH_SECRET=ovpn_auth\nsecrets:\n  ovpn_auth: { file: ./secrets/auth.txt }",
        // Names in capitals for what goes there.
        "password: DBPASSWORD\nuser: LISTNAME\nsmtp_password: SMTPSECRET",
        // Words in camel case that say what goes there.
        "[test:vars]\nansible_password=MustBeTheRealPassword",
        // An abbreviated "for example".
        "# ex.) Windows\n192.168.1.3 ansible_connection=winrm ansible_ssh_user=administrator ansible_ssh_password=Passw0rd",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // A real app password, a short weak one, a value with a mark inside.
    for t in [
        "EMAIL_PASSWORD = \"wcfl kgvd mxva eurj\"",
        "password: rootpassword",
        "The password is 5Te8Y4#drgCRf",
        "ansible_password=TheRealPassword",
        // Capitals at random, as a server board's label prints its BMC password.
        "BMC login: ADMIN / RXYFTZXRQY",
        "ansible_password=CorrectHorseBatteryStaple",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
}

#[test]
fn hashes_slots_and_stand_ins_as_settings_escape_them() {
    for t in [
        // An htpasswd line in a compose file, each `$` doubled.
        "    environment:\n      - HTPASSWD='foo:$$apr1$$odHl5EJN$$KbxMfo86Qdve2FH4owePn.'",
        "monitor:$apr1$FerATXZB$etcABM8QKzQlDfPbXdf3d/",
        // Markdown's escaped tags around a stand-in.
        "\\<username>my-user-name\\</username>\n\\<password>my-password\\</password>",
        // A stand-in and a count.
        "docker run -d -P -e VNC_PW=\"foo 123\" --name=foo img",
        // Slots in capitals glued to a short password word.
        "./check.pl -H 1.1.1.1 -l MyUSR -x MYPWD -X MYPASSPHRASE -L md5,aes",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    assert!(!scan("\\<password>Hq3mZt8wL\\</password>").is_empty());
}

#[test]
fn a_secret_keys_literal_in_code() {
    for t in [
        "var publisher = awspublish.create({\n  accessKeyId: 'VXBNhyvNBSrqA0E8VfSH',\n  secretAccessKey: 'A5H44QX7UTA'\n});",
        "oauth = OAuth(client_id='web', client_secret=\"Kq8vLm2xQpR7tZ\")",
    ] {
        assert!(scan(t).iter().any(|h| h.kind == "token"), "{t}");
    }
    for t in [
        "client_secret = \"secret123\"",
        "consumer_secret='abc123'",
        "clientSecret: \"v1-client-secret\"",
        "client_secret = \"YOUR_CLIENT_SECRET\"",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
}

#[test]
fn a_key_flattened_onto_one_line() {
    let t = "key = \"\"\"-----BEGIN RSA PRIVATE KEY----- MIIEogIBAAKCAQEAjjSRHj2RixSemhxJtts+AGE0TbTbDA7iQGPNrvoi/LjUI88U zP0Ma37HUr7HLRg/U+KNRWfdYXe7bKNlpS+k4EJthjb33TZVILLW6hIFlba+WTpT -----END RSA PRIVATE KEY-----\"\"\"";
    assert!(
        scan(t).iter().any(|h| h.kind == "private-key"),
        "{:?}",
        scan(t)
    );
    // The header named in a sentence is still no key.
    assert!(scan("not having RSA in -----BEGIN RSA PRIVATE KEY-----. It applies").is_empty());
}

#[test]
fn thirty_two_random_bytes_on_a_line_about_a_key() {
    for t in [
        "if not paste your D3DvOYzKZSq37IsqENXLNAGb3UKVm23nn5LTT+gIovM= into the .env under app_key",
        "my token: D3DvOYzKZSq37IsqENXLNAGb3UKVm23nn5LTT+gIovM=",
    ] {
        assert!(scan(t).iter().any(|h| h.kind == "token"), "{t}");
    }
    for t in [
        "PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
        "\"integrity\": \"sha256-D3DvOYzKZSq37IsqENXLNAGb3UKVm23nn5LTT+gIovM=\"",
        "host key fingerprint SHA256:D3DvOYzKZSq37IsqENXLNAGb3UKVm23nn5LTT+gIovM=",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
}

#[test]
fn a_comment_below_that_says_the_settings_above_are_not_real() {
    let t = "$GLOBALS['config'] = array(\n\t'mysql' => array(\n\t\t'host' => '127.0.0.1',\n\t\t'username' => 'root',\n\t\t'password' => 'wampstack',\n\t),\n\t//Disclaimer  :  The information on top is not the real connection details of my server.\n);";
    assert!(scan(t).is_empty(), "{:?}", scan(t));
    // A comment that speaks of nothing above leaves the settings be.
    let t = "'password' => 'wampstack',\n// the real one is in the vault\n";
    assert!(!scan(t).is_empty());
}

#[test]
fn a_mail_servers_account_files() {
    for t in [
        "I am using this in the accounts.cf:\nteste@testemail.com|aaa123\n",
        "jdoe@example.com:{PLAIN}Kq8vLm2xQ::::::",
        "and using the whole email 'x@y.com' as user and aaa123 as password in my email client",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
    for t in [
        "jdoe@corp.example|{SHA512-CRYPT}$6$abc$def",
        "default_pass_scheme = PLAIN",
        "The OpenSMTPD auth file format (`user:password`) works fine.",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
}
