//! The password rules read as a user would check them: each phrasing the issue lists, what
//! docs, tickets, terminals and chats write, and the near misses beside them (our own values).

use super::*;

fn values(t: &str) -> Vec<String> {
    find(t).into_iter().map(|f| f.value).collect()
}

#[test]
fn the_phrasings_of_the_issue() {
    for (t, v) in [
        ("the password is Wq7!kd92LmZx", "Wq7!kd92LmZx"),
        ("the pw is Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("password for db1 will be \"Zz9kLm2Qp4\"", "Zz9kLm2Qp4"),
        ("login: bob / Hunter2Hunter2", "Hunter2Hunter2"),
        ("mysql -u root -pS3cr3tPass", "S3cr3tPass"),
        ("sshpass -p 'Kx8#vv2Lq' ssh admin@10.0.0.5", "Kx8#vv2Lq"),
        ("Pass - U9o129Czu!!IDhl", "U9o129Czu!!IDhl"),
        ("pwd - Rt5%kLm0Qz", "Rt5%kLm0Qz"),
        ("Password: 0fq20$A$eP9Ppb&0v", "0fq20$A$eP9Ppb&0v"),
        ("DB_PASSWORD=h7Gk2!pQx9", "h7Gk2!pQx9"),
        (
            "curl -u deploy:Gh7!kLp2x https://ci.example/api",
            "Gh7!kLp2x",
        ),
        (
            "net use Z: \\\\fs01\\share /user:CORP\\bob Wint3r!2026",
            "Wint3r!2026",
        ),
        ("PGPASSWORD=Pg9!xYz2 psql -h db1 -U app", "Pg9!xYz2"),
        ("Das Passwort lautet: Sonne#Mond42", "Sonne#Mond42"),
        ("le mot de passe est Soleil2026!", "Soleil2026!"),
        ("la contraseña es Playa_Sol_77", "Playa_Sol_77"),
        ("la password è Mare!2026x", "Mare!2026x"),
        ("het wachtwoord is Fiets!Regen9", "Fiets!Regen9"),
        ("\"password\": \"Js0n!Secret9\",", "Js0n!Secret9"),
        ("<password>Xml!Secret7</password>", "Xml!Secret7"),
        ("define('DB_PASSWORD', 'Wp!c0nfig22');", "Wp!c0nfig22"),
        ("Server=db1;User Id=sa;Password=Sql!Srv2026;", "Sql!Srv2026"),
        ("I changed the password to Hunter2!now", "Hunter2!now"),
        ("Password to the VPN: Vpn#2026xx", "Vpn#2026xx"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    assert_eq!(values("Password:\n\n  Xy7!pq0Lm\n"), vec!["Xy7!pq0Lm"]);
}

#[test]
fn what_docs_tickets_and_terminals_write() {
    for (t, v) in [
        ("Das Standardkennwort lautet `Rt7kWq2x`.", "Rt7kWq2x"),
        (
            "Der Standardbenutzer ist *svcadmin* und das Standardkennwort lautet *Kennwort7*.",
            "Kennwort7",
        ),
        (
            "the login is : admin\nand the password is : bluefalcon",
            "bluefalcon",
        ),
        (
            "connect with the default password \"orchardwind\" and change it",
            "orchardwind",
        ),
        ("admin/harbor2031", "harbor2031"),
        ("Login with ops@example.org / Tide4412", "Tide4412"),
        ("Admin: admin@example.org / Harbor@77", "Harbor@77"),
        ("Staff: desk@example.org / Desk@2031", "Desk@2031"),
        ("Connectez-vous avec `gestion/Marais2031`", "Marais2031"),
        ("    pass: \"kqzmvtrwplxnhbds\",", "kqzmvtrwplxnhbds"),
        (
            "impacket-psexec corp.example.org/jdoe:'Winter#2031'@10.0.0.9",
            "Winter#2031",
        ),
        (
            "crackmapexec smb 10.0.0.9 -u jdoe -p 'Harbor!2031'",
            "Harbor!2031",
        ),
        (
            "bloodhound-python -u 'jdoe' -p 'Harbor!2031' -d corp.example.org",
            "Harbor!2031",
        ),
        (
            "./deploy.sh root@203.0.113.7 /srv/app -p 'Qm7Zr2Lx9Pw4'",
            "Qm7Zr2Lx9Pw4",
        ),
        ("`corp.example.org/svc_backup:Backup#2031`", "Backup#2031"),
        (
            "CREATE USER 'app'@'%' IDENTIFIED BY 'appsecret77';",
            "appsecret77",
        ),
        ("Password: demo123", "demo123"),
        ("Default password: Password1", "Password1"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    // Markdown, as wikis and chat render it, goes through the text's scan (bold removed).
    assert_eq!(
        values("Password:\n\n```\nTide!4412x\n```\n"),
        vec!["Tide!4412x"]
    );
    assert_eq!(
        values("Test Account Password:\n`Tide!4412x`"),
        vec!["Tide!4412x"]
    );
}

#[test]
fn code_templates_and_docs_about_passwords_stay_clean() {
    for t in [
        "password = var.admin_password",
        "password: databaseSecrets.password,",
        "clave = input(\"Clave: \")",
        "login_pwd: Set(md5(req.login_name.clone().as_bytes()).to_string()),",
        "Passwort: {$password}",
        "print(f\"  Password: {TEST_PASSWORD}\")",
        "printf(\"Passwd: %s\\n\", p->pw_passwd);",
        "echo \"<li>Mot de passe : \".$_POST['mdp'].\"</li>\";",
        "export AWS_SECRET_ACCESS_KEY=\"NEW_SECRET_ACCESS_KEY\"",
        "* Password: `the selected ftp password`",
        "* Contraseña: root_password (elegido durante la instalación)",
        "Het ingevoerde wachtwoord is onjuist.",
        "La contraseña es obligatoria",
        "Le nouveau mot de passe est requis",
        "La password è errata",
        "The username and password are case-sensitive.",
        "login cannot succeed until the password is configured.",
        "postgresql://username:password@host:port/database",
        "Example: rtsp://<user>:<password>@192.0.2.4:554/stream1",
        "Server=db;User Id=sa;Password=YOUR_ACTUAL_PASSWORD;Port=5432;",
        "senha: adminSenha,",
        "Grafana wachtwoord: hardcoded \"changeme\" vervangen door existingSecret",
        "docker run -p 8080:80 -u 1000 nginx",
        "Your temporary password for ${TEMPLATE_USER_EMAIL} is as follows:",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn near_misses_stay_clean() {
    for t in [
        "Please use the password reset link below.",
        "Your password must have 12 characters.",
        "I changed the password.",
        "Password: <password>",
        "password: ********",
        "PASSWORD=xxx",
        "DB_PASSWORD=changeme",
        "Failed password for root from 10.0.0.5 port 22 ssh2",
        "password_hash: $2b$12$KIXQ1p7uJ0y2sH5eJq5LzOe9y6Yb2x9Yc1fJxq5mYk3sZ4aGvW1xS",
        "user=bob password=5f4dcc3b5aa765d61d8327deb882cf99",
        "The password is in the vault.",
        "The password is case sensitive.",
        "Password: see the vault entry 'db1'.",
        "Password policy: minimum 12 characters, one digit.",
        "Your password expires in 5 days.",
        "Show me your boarding pass: gate B12",
        "password = os.getenv(\"DB_PASSWORD\")",
        "The password will be shared by phone.",
        "Passwort: wird telefonisch mitgeteilt",
        "Password: (sent separately)",
        "Enter your password: ____________",
        "password: ${DB_PASSWORD}",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn what_mail_about_networks_and_pasted_answers_writes() {
    for (t, v) in [
        ("Wi-Fi:\n\nHarbour-Guest\nt1de!Gate77", "t1de!Gate77"),
        ("Gäste-WLAN\nBuero-Gast\nMoewe#2031x", "Moewe#2031x"),
        (
            "All demo accounts use the same default password:\n\nbash\nCopy\nEdit\nharbour2031",
            "harbour2031",
        ),
        ("let(:temp_password) { \"Tide4412!@#\" }", "Tide4412!@#"),
        ("Password: ChangeMe2031!", "ChangeMe2031!"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
}

#[test]
fn descriptions_of_a_password_stay_clean() {
    for t in [
        "Password: the 16-character password from Step 2",
        "Le mot de passe est \"provisoire\" dans le sens où il faut le changer.",
        "hbasic|Database to test HBasic program|localhost|user|password|QMYSQL3",
        "Wi-Fi:\nAsk at the front desk for today's code.",
        "Wi-Fi:\nGuest\nwelcome",
        "DB_PASSWORD=changeme1",
        "Enter the new password:\nIt must have 12 characters.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn accounts_written_without_a_password_word() {
    for (t, v) in [
        ("Şifre: Liman2031x", "Liman2031x"),
        ("Verwenden Sie `testuser` / `Harbor2031`", "Harbor2031"),
        ("| fw01 | `admin` / `Gate2031` |", "Gate2031"),
        (
            "en disant `jdoe@example.org : Harbour!2031` .",
            "Harbour!2031",
        ),
        ("const SenhaCerta = \"Maresia2031\";", "Maresia2031"),
        ("  adminPassword: 'Tide4412x',", "Tide4412x"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "const passwordRegex = \"^(?=.*\\d)(?=.*[a-z]).{8,}$\";",
        "this.passwordPlaceholder = 'Enter password';",
        "const senhaLabel = \"Senha2\";",
        "git clone git@github.com:example/tools2031.git",
        "Contact jdoe@example.org: meeting at 10",
        "jdoe@example.org: Permission denied (publickey).",
        "see testuser/tools2031 on the forge",
        "copy `src` / `dist2031` first",
        "| fw01 | `admin` / `changeme` |",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn what_replies_in_tickets_write() {
    for (t, v) in [
        (
            "3. Use the following login credentials \"jdoe\" and \"4(K)-_812xQ\" (the temporary one)",
            "4(K)-_812xQ",
        ),
        ("username: admin\npass: harbourlight", "harbourlight"),
        (
            "(changed the database password from 'tidegate2031' to 'password'.",
            "tidegate2031",
        ),
        ("redis-cli -h 10.0.0.5 -a 'Tide4412x' ping", "Tide4412x"),
        // Key stores, server boards, SNMPv3, lftp, a Windows account, a bracket closed.
        ("keytool -list -keystore store.jks -storepass Tide4412x", "Tide4412x"),
        ("ipmitool -I lanplus -H 10.0.0.9 -U ADMIN -P Tide4412x power status", "Tide4412x"),
        ("snmpwalk -v3 -u monitor -A Tide4412x -l authNoPriv 10.0.0.1", "Tide4412x"),
        ("snmp get -A \"Tide4412x\" -a sha -v 3 -l authNoPriv -u mon host", "Tide4412x"),
        ("lftp -u jdoe,Tide4412x ftp.example.com", "Tide4412x"),
        ("net user jdoe Tide4412x /add", "Tide4412x"),
        ("vncviewer 10.0.0.5 (vnc password Tide4412x)", "Tide4412x"),
        (
            "neither version is accepting 'harbourgate' as password.",
            "harbourgate",
        ),
        ("\"harborlight\" is the password for the NAS", "harborlight"),
        ("Try it: 'tidewater77' was the password we used.", "tidewater77"),
        ("First access to panel is: administrator / 20310404!", "20310404!"),
        ("@jdoe 默认帐密都是harbor77", "harbor77"),
        ("Figured out it is admin:harbor1234 for the admin account.", "harbor1234"),
        ("Login: harbour\nPass: Harbour.Gate", "Harbour.Gate"),
        ("enter student as the user name and Tq7.rd2031 as Password", "Tq7.rd2031"),
        ("The password of the VM is not \"H4rb!rt\"", "H4rb!rt"),
        (
            "wyzehack will override the password to \"tidegate12\" for all supported models.",
            "tidegate12",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "$db->connect('', 'user', 'password', 'employees');",
        "$mysqli = new mysqli(\"localhost\", \"user\", \"password\", \"database\");",
        "PASS: t0001-init.sh\nPASS: harbourlight",
        "redis-cli -a <password> no longer works",
        "net user jdoe /domain",
        "snmpget.py -v3 -u usr-sha-aes -l authPriv -A authkey1 -X privkey1 demo.snmplabs.com",
        "net user jdoe * /add",
        "net user administrator /active:yes",
        "ipmitool -H host -U admin -P <password> chassis status",
        "I use 'KeePassXC' as password manager",
        "\"Forgot password\" is the password reset link",
        "`DB_PASSWORD` is the password variable the app reads",
        "'KeePassXC' is the password manager we use",
        "The password is set to the .env file: APP_PASSWORD",
        "admin / 2031-04-04",
        "Admin: admin@example.org / sales@example.org",
        "Contact: info@example.org / 0800 123 456",
        "Support: help@example.org / Monday to Friday",
        "password: Settings.Default",
        "Common passwords are \"admin,\" \"passport,\" \"1234\" or none at all.",
        "Typical passwords are 'letmein' 'dragon2' and so on",
        "root:x:0:0:root:/root:/bin/bash",
        "admin:admin",
        "Updated at 10:42 by root: 2031 entries",
        "The password is not correct.",
        "Password: see example.com for details",
        "Mountain pass: closed",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn the_last_look_near_a_password_word() {
    assert_eq!(
        values("the admin password for the share Kx7!mq2Lz9 was in the ticket"),
        vec!["Kx7!mq2Lz9".to_string()]
    );
    for t in [
        "Password hashing uses SHA-256 and PBKDF2-HMAC since then",
        "The password reset bug was fixed in v2.3.1-RC1 last week",
        "Mar 3 10:01:44 web01 sshd[1822]: Failed password for root from 203.0.113.9",
        "See SEC-1234 for the password policy of the Q3-Audit",
        "There is smtp host and password in database ph7_settings, But it does not work",
        "u_clave: $(\"#password\").val(), funcion:1 },",
        "e2e-p256-1-prt.asc     Ditto, but protected with passphrase \"a\".",
        "Hey, the key 0x1F10171BFB881B1C (for jdoe@invalid) attached!",
        "The sample key has ECDSA top key 0xBAA59D9C and a single ECDH",
        "ed25519-cv25519-sample-1.asc  Ed25519+CV25519 sample key (no passphrase)",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn an_ordinary_word_that_ends_the_sentence_is_the_password() {
    for (t, v) in [
        ("- das passwort lautet halunke", "halunke"),
        ("The password is pinecone.", "pinecone"),
        ("Das Passwort lautet standardmäßig „moorhuhn“.", "moorhuhn"),
        ("the wifi password is by default pfannkuchen", "pfannkuchen"),
        ("Das Passwort lautet: **47-11-9**", "47-11-9"),
        (
            "the login is //qa_user// and the password for it is //qa_pass9//",
            "qa_pass9",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}: {:?}", find(t));
    }
    for t in [
        "The password is wrong.",
        "Le mot de passe est obligatoire.",
        "La contraseña es requerida",
        "Het wachtwoord is veranderd.",
        "Dein Passwort ist verschlüsselt",
        "The combination of user name and password was not found.",
        "Das meistgenutzte Passwort ist auch heute - im Jahr 2020 - noch immer schlecht",
        "Your temporary password for the account is as follows:",
        "The account is locked if the password is not reset by 4:15 PM today.",
        "Passwort: 8-16 Zeichen",
        "run a script in Cloud9 to reset the admin password if the mail never came",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn chinese_values_end_where_the_script_starts_again() {
    assert_eq!(
        values("后台账号密码都是qingyun88，登录后请修改"),
        vec!["qingyun88".to_string()]
    );
    assert_eq!(
        values("默认密码是tiantian2026。"),
        vec!["tiantian2026".to_string()]
    );
    assert!(values("密码是通过md5加密的，数据库里面要存加密过后的").is_empty());
}

#[test]
fn a_quoted_user_and_password_with_a_slash() {
    assert_eq!(
        values("The staging site is behind htpasswd 'preview'/'lanterns7' for now"),
        vec!["lanterns7".to_string()]
    );
    for t in [
        "copy the user folder from 'src'/'dist'",
        "paths like \"home\"/\"user\" are fine",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn a_default_given_under_a_password_question() {
    assert_eq!(
        values("What is the login password for the admin page?\n\nIt is in the settings, the default is river2026"),
        vec!["river2026".to_string()]
    );
    assert_eq!(
        values("请问登录页面的用户名密码是什么\n\n配置里有，默认是lantern2026"),
        vec!["lantern2026".to_string()]
    );
    for t in [
        "The default is 30 seconds; the password field is below.",
        "Click the password reset link.\nThe default is en-US2",
        "The timeout default is 5000ms",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn portuguese_and_italian_form_messages_are_no_values() {
    for t in [
        "A senha é obrigatória",
        "A senha é obrigatório!",
        "A senha é muito fraca.",
        "La password è sbagliata",
        "La password è predefinita, bypassiamo la validazione",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn fields_in_expressions_and_a_users_value_are_no_passwords() {
    for t in [
        "kubectl get secret app-admin -o jsonpath=\"{.data.password}\" | base64 --decode",
        "# Initial admin password (the username is `admin`):",
        "Admin password (login is `operator`) is in the vault",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
    assert_eq!(
        values("ANYID(PW):gate(Ru7bQk2Lp)"),
        vec!["gate(Ru7bQk2Lp".to_string()]
    );
}

#[test]
fn the_word_after_with_password() {
    for (t, v) in [
        (
            "Log in as the built-in admin user with password hollyberry.",
            "hollyberry",
        ),
        (
            "connectez-vous avec le mot de passe tournesol.",
            "tournesol",
        ),
        (
            "use the demo account with password quillpen7, then change it",
            "quillpen7",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}: {:?}", find(t));
    }
    for t in [
        "log in with password authentication.",
        "connect with the password provided",
        "sign in with password login",
        "accounts are protected with password and 2FA",
        "Melden Sie sich mit dem Passwort an",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn a_value_tried_at_a_login_and_a_forgotten_full_stop() {
    assert_eq!(
        values("I try \"uu^Tq&x;B;;9zkW\" just now, but I cannot login the webmail"),
        vec!["uu^Tq&x;B;;9zkW".to_string()]
    );
    assert_eq!(
        values("Create the user, my password is lantern This is not needed later"),
        vec!["lantern".to_string()]
    );
    for t in [
        "I tried \"Reset\" and \"Sign in\" but the login page hangs",
        "The only restriction imposed on the password is the length. Nothing else.",
        "\"Was ist das WLAN-Passwort des Hotels?\": \"¿Cuál es la clave del Wi-Fi del hotel?\",",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn configuration_formats_people_paste() {
    for (t, v) in [
        (
            "AuthInfo:smtp.example.org \"U:relay@example.org\" \"P:Relay-Sender2031\" \"M:PLAIN\"",
            "Relay-Sender2031",
        ),
        ("$remotePass = 'HarbourLights7';", "HarbourLights7"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}: {:?}", find(t));
    }
    for t in [
        "AuthInfo:smtp.example.org \"U:username@example.org\" \"P:password\" \"M:PLAIN\"",
        "AuthInfo:smtp.example.org \"U:YOUR_USER\" \"P:YOUR_PASSWORD\" \"M:PLAIN\"",
        "set smtp_pass = \"`pass show mail/work`\"",
        "supabase secrets set SMTP_PASS=ton_mot_de_passe_application",
        "set SMTP_PASSWORD=пароль_от_ящика",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn programs_that_print_a_generated_password() {
    for (t, v) in [
        (
            "ci  | Please use the following password to proceed to installation:\nci  |\nci  | 3f9c2ab07d1e4c5fa6b8d90e1f2a3b4c",
            "3f9c2ab07d1e4c5fa6b8d90e1f2a3b4c",
        ),
        (
            "Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):\n  q7Rt=Lm2Xw9pBv4KdZ0c",
            "q7Rt=Lm2Xw9pBv4KdZ0c",
        ),
        (
            "[Note] A temporary password is generated for root@localhost: Tq3(Xv8=LmPz",
            "Tq3(Xv8=LmPz",
        ),
        // A person announces it the same way.
        (
            "Here is the following password that worked on the build VM, from its settings file...\n\nWi7$$ter9",
            "Wi7$$ter9",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}: {:?}", find(t));
    }
    for t in [
        "Please use the following password to proceed to installation:\na1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
        "The password hash for the admin user:\n5f4dcc3b5aa765d61d8327deb882cf99",
        "Password requirements for new accounts:\nAt least 12 characters",
        "Please note the following password rules for the build VM.\n\nMinimum12",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn a_full_width_colon_ends_an_announcement() {
    assert_eq!(
        values("#用户的密码保存在日志文件中，找到如下行：\n#[Note] A temporary password is generated for root@localhost: Qx7(Lm2=Vb"),
        vec!["Qx7(Lm2=Vb".to_string()]
    );
}

#[test]
fn fetchmail_and_networkmanager_lines() {
    for (t, v) in [
        (
            "poll pop.example.org proto POP3 user \"ops@example.org\" pass \"tide77harbour\" is ops keep ssl",
            "tide77harbour",
        ),
        ("nmcli con add type wifi wifi-sec.key-mgmt wpa-psk wifi-sec.psk lantern42", "lantern42"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}: {:?}", find(t));
    }
    for t in [
        "user 'username@example.org' there with password 'password' is citadeluser@localhost here",
        "user 'joe@example.org' there with password 'SEKRIT'",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
}

#[test]
fn one_time_codes_are_no_leak() {
    for t in [
        "Your one-time password is 483920. It is valid for 10 minutes.",
        "Einmalpasswort: 583920",
        "Votre mot de passe à usage unique est 583920",
        "Tu contraseña de un solo uso es 583920",
        "您的一次性密码是 583920",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    // A first password is no one-time code, nor are letters.
    assert_eq!(
        values("Ihr Einmalpasswort lautet Xk92mPqz"),
        vec!["Xk92mPqz"]
    );
    assert_eq!(values("The password is 583920"), vec!["583920"]);
}

#[test]
fn a_table_laid_out_one_cell_per_line() {
    for t in [
        "Benutzername\nPasswort\nadmin\npassword\nadmin\nadmin",
        "Username\nPassword\njsmith\nsecret123",
        "Password:\nadmin",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    assert_eq!(
        values("Username\njdoe\nPassword\nXy7!pq0Lm"),
        vec!["Xy7!pq0Lm"]
    );
}
