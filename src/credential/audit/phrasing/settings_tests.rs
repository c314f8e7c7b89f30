//! The password rules on settings, scripts and lists as admins paste them: a name and a value
//! in two fields, PowerShell and .NET credentials, accounts listed under their format, and the
//! near misses beside them (our own values).

use super::*;

fn values(t: &str) -> Vec<String> {
    find(t).into_iter().map(|f| f.value).collect()
}

#[test]
fn settings_as_a_name_and_a_value() {
    for (t, v) in [
        (
            "env:\n  - name: DB_PASSWORD\n    value: \"Kq8mWz2Lp\"",
            "Kq8mWz2Lp",
        ),
        (
            "<property>\n  <name>javax.jdo.option.ConnectionPassword</name>\n  <value>hivepw2031</value>\n</property>",
            "hivepw2031",
        ),
        (
            "<param-name>password</param-name>\n<param-value>Srv1et!7</param-value>",
            "Srv1et!7",
        ),
        ("{\"key\": \"SMTP_PASS\", \"value\": \"Mq4zTr8Lw\"}", "Mq4zTr8Lw"),
        ("   -h127.0.0.1 -P3306 -uroot -p735921", "735921"),
        ("mysql -u root -pS3cr3tPass mydb", "S3cr3tPass"),
        ("  DB_PASSWORD: ${DB_PASSWORD:-Tq7!mzW2x}", "Tq7!mzW2x"),
        // A login table in code: addresses and their passwords under a comment.
        (
            "// who may log in (address: password)\nconst USERS = {\n  'ana@example.org': 'tidewater',\n};",
            "tidewater",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:",
        "  - name: PASSWORD_LENGTH\n    value: \"16\"",
        "  - name: DB_PASSWORD_FILE\n    value: /run/secrets/db",
        "mysql -u root -p wordpress",
        "mysql -u root -p mydb < dump.sql",
        // Chinese runs words together: "the connection password is wrong, ... 10.1.2.3 is this host".
        "为什么连接密码错误之后，抛出这样的异常，10.1.2.3是本机IP",
        "password: 'secretpassword!!',",
        "docker run -e POSTGRES_PASSWORD=password postgres:12-alpine",
        "      PGADMIN_DEFAULT_PASSWORD: ${PGADMIN_DEFAULT_PASSWORD:-admin}",
        "// display names\nconst NAMES = {\n  'ana@example.org': 'Ana Lima',\n  'bo@example.org': 'Bo',\n};",
        "// password reset mails\nconst SENT = {\n  'ana@example.org': 'ana@example.net',\n};",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn powershell_and_dotnet_credentials() {
    for (t, v) in [
        (
            "$Password = (ConvertTo-SecureString \"Wint3r!Pw\" -AsPlainText -Force)",
            "Wint3r!Pw",
        ),
        (
            "$pw = ConvertTo-SecureString -AsPlainText -Force -String 'Kq8!mWz2'",
            "Kq8!mWz2",
        ),
        (
            "$cred = New-Object System.Net.NetworkCredential(\"svc_backup\", \"Bk!2031xQ\")",
            "Bk!2031xQ",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "$Password = ConvertTo-SecureString -String \"\" -AsPlainText -Force",
        "$p = ConvertTo-SecureString \"$env:PW\" -AsPlainText -Force",
        "$Password = Read-Host -AsSecureString",
        "If I set `:enablepass` in the router.db, does it use the string \"enablepass\" as password?",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn accounts_listed_under_their_format() {
    assert_eq!(
        values("Log in with these users (username/pw):\n* alice/Rv7kq2\n* bob/Lw3mz9\n\nThanks"),
        vec!["Rv7kq2", "Lw3mz9"]
    );
    // Under a line naming usernames and passwords, each item with its node's name.
    assert_eq!(
        values(
            "The BMC username and password we recorded:
node-a: ADMIN//RXYFTZXRQY
10.0.4.5"
        ),
        vec!["RXYFTZXRQY"]
    );
    assert_eq!(values("密码：tree.xie"), vec!["tree.xie"]);
    for t in [
        "Format (username/password):\n* see the wiki/accounts page",
        "Please check your username and password.\nhttps://portal.example/login",
        "password = mail.server",
        "password: form.pw",
        "'password': config.smtp_pass,",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn stand_ins_field_names_and_protocol_prompts() {
    for (t, v) in [
        ("MAIL_PASSWORD=Vq7mailRt2", "Vq7mailRt2"),
        ("- **Password**: `secureDemoPassword`", "secureDemoPassword"),
        ("I log in with user jdoe and Qz8!mTr4", "Qz8!mTr4"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "MAIL_PASSWORD=mysmtppassword",
        "DB_PASSWORD=my_db_pass",
        "- \"PASSWORD=mysecretpassword\"",
        "DB_PASSWORD=my-password  # made with `openssl rand -base64 32`",
        "I cannot log in with login \"anna.berg0\".",
        "SASL LOGIN authentication failed: UGFzc3dvcmQ6",
        "UGFzc3dvcmQ6 decodes to \"Password:\", so the server asked for the password",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn wifi_keys_examples_and_numbered_stand_ins() {
    for (t, v) in [
        (
            "network={\n    ssid=\"Lab AP\"\n    psk=\"48151623\"\n}",
            "48151623",
        ),
        ("For the lab: the password is Mq4!zT8w", "Mq4!zT8w"),
        ("The key for the share is Vb7!kq2Lm", "Vb7!kq2Lm"),
        ("deploy_key: Vb7!kq2Lm", "Vb7!kq2Lm"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "psk=PSK",
        // A line of an armoured message that happens to start with "Psk".
        "Psk/ZQ1nL+21sX6CGds9L/Tp2G5qEyiQEdTc2YywslaSoFQ2ElbqUwhONY3rDU1w",
        "    psk=\"my_psk1234\"",
        "    psk=\"mypsk\"",
        "    password: dev_pwd",
        "Db::config( 'password',  'databaseUserPassword' );",
        "    invalidPassword: \"Échec de la connexion\",",
        "const char *WIFI3_PASSWORD = \"$$$$$$$$\";",
        "  forgot_password: 'Mot de passe oublié ?',",
        " \"Admin password: yyyyyyyyyy ",
        "authenticate with \"password\", and then send the command: nopassword",
        "specify this address by sending the command password address=ADDRESS.",
        "if I had for example this as my password: abc$def, the def part would go",
        "z. B. das Passwort Geheim99",
        "rclone serve webdav --pass \"XXX1\" --user \"XXX2\"",
        // A key file's name, then where it logs in.
        // A message ID in a translation file.
        "complete-reset-pw-header-v2 = Create a new password",
        "ssh -i ~/.ssh/office_key admin@192.0.2.17",
        "use office_key deploy@192.0.2.17 for the backups",
        "the key admin@192.0.2.17 was added",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

/// What a developer's mailbox holds: patches, logs and terminal output with password words in
/// code (our own lines, shaped after a kernel list's mail).
#[test]
fn code_and_terminal_output_in_developer_mail() {
    for (t, v) in [
        (
            "mount -t cifs //10.1.2.3/share /mnt -o user=tester,password=tidewater9,vers=3.1.1",
            "tidewater9",
        ),
        (
            "MOUNT_OPTIONS -- -ousername=qa,pass=Harbor#41,noperm",
            "Harbor#41",
        ),
        ("vpn user mk, pass Vpn#Mk2031", "Vpn#Mk2031"),
        ("PIN:Qx7#Lm2q", "Qx7#Lm2q"),
        ("Login failed, the pass is Harbor#88", "Harbor#88"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "\tsess->password = kstrdup(opts->password, GFP_KERNEL);",
        "\topts->password = kzalloc(len + 1, GFP_KERNEL);",
        "\tctx->password[i] = buf[j];",
        "\tchar *pass = b64_decode(pw_b64, &len);",
        "\tparsed_password = g_strdup(optarg);",
        "#define STATUS_BAD_PASSWORD\tcpu_to_le32(0xC000006A)",
        "#define STATUS_BAD_PASSWORD cpu_to_le32(0xC000006A)",
        "#define USER_FLAG_BAD_PASSWORD\tBIT(3)",
        "\t.set_cache_key = smb_set_cache_key,",
        "\tkey.port = addr->sin_port;",
        "\tlen += sizeof(key.ipv4);",
        "\tu32 peer_key = le32_to_cpu(desc[0].token);",
        "\tEM(cache_access_pin,\t\"PIN   cache \")\t\\",
        "\tfsparam_string(\"pass\", Opt_pass),",
        "\t{\"password\", required_argument, NULL, 'p' },",
        "\tfprintf(stderr, \"\\t-p | --password=pass\\n\");",
        "\tpr_err(\"No password was provided\\n\");",
        "\tdbg(\"Bad len for password search (len=%zd)\\n\",",
        "\tTP_printk(\"sid=0x%llx lease_key=0x%llx%llx\", a, b, c)",
        "\tERROR_INVALID_TOKEN\t\t= 0x0b,",
        "\tcase BAD_TOKEN:\t\treturn -EKEYREJECTED;",
        "X-Spam-Status: SPF_HELO_NONE=0.001, SPF_PASS=-0.001]",
        "fs: Pass a flag to ->write_begin() to say there is no space",
        "cifs: Pass unswapped size into set_file_size()",
        "This now makes the series pass generic/257.",
        "Don't pass back the cleanup mode",
        "remount to change the password when the session is gone.",
        "Trying without password and without sec=krb5 gives the same",
        "mount -t cifs //srv/share /mnt -o username=root,password=PASSWORD,noperm",
        "password=arg|pass=arg",
        "cifs.upcall: key description: cifs.spnego;0;0;3901;ver=0x2;host=srv",
        "Username/Password based WPA(2|3)-Enterprise networks",
        "key updates change from \"quic key\" to \"quicv2 key\"",
        "[key] ---lswrv      0 65534   \\_ keyring: _uid.0",
        "smbclient //127.0.0.1/share -Uuser%password -mSMB3",
        "\t-\t\t\tntlmv2  Use NTLMv2 password hashing",
        "ssh -i ~/.ssh/lab_key admin@192.0.2.9",
        "setacl -S \"ACL:Administrator:ALLOWED/0x0/FULL\" file",
        "logon     cifs:d:testdomain",
        "MOUNT_OPTIONS -- -o acl,user_xattr /dev/sdb4 /fs/scratch",
        "1.  When password2 is set in the credential file, mount.cifs uses it",
        "which is applied to 5.10-stable, not to the password code",
        // Test output, hardware and more code (after two other lists' first run).
        "  # key derivation: pass:9 fail:0 skip:0 total:9",
        "total: 1200, pass: 1020, fail: 22, skip: 161",
        "OPEN7   st_open.testBadOwner                    : PASS",
        "Pass IOCB_NOWAIT to ->update_time and return -EAGAIN",
        "nfs: Pass \"privileged\" value to init_sequence()",
        "so pass 'timeo' and 'retrans' to mount_fs() instead",
        "we now pass v9fs_fid_readpage.",
        "hostfs: pass 64-bit timestamps to user space",
        "\t\techo 'PASSWORD' | kinit -l 10h",
        "no need for Kerberos or messing with passwd/group entries",
        "pw-bot: changes-requested",
        "reduced down to these lines in /etc/passwd:\nsys:x:3:3:sys:/dev:/usr/sbin/nologin",
        " *\tDR(key, constant) = k-truncate(E(Key, constant))",
        "nfsd: key NFSv4.1 connections by client id",
        "I should see Pin=-34.99dBm at the input",
        "the outer shell is 5.5mm, pin diameter = 2.1mm",
        "accessing the GPIO pin in B205mini-i board",
        "\t\t<key>lo_offset_2</key>",
        "Using controller key 'E31XRadio' and block name 'Radio'",
        "Attempting to set power for key x3xx_pwr_rx_rx1, but no cal data",
        "        except:\n            pass\n        self.top_layout = Qt.QVBoxLayout()",
        "the GPS function inside block_ctrl_impl.cpp / block_impl.cc as well",
        "#define FID_SIZE_U32 (FILE_HANDLE_SIZE_LATEST / sizeof(u32))",
        // A fourth list's first run.
        "\tif (pwd->pw_uid != 0 && rmdir(dir) == -1)",
        "+$cwd = `pwd 2>/dev/null`;",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn an_app_password_in_its_four_groups() {
    for (t, v) in [
        (
            "spring.mail.username=alerts@gmail.com\nspring.mail.password=qvmt hzrk pwey lsdn",
            "qvmt hzrk pwey lsdn",
        ),
        // As text recognition reads a screenshot of it (`l` as `I`).
        ("SMTP password: qvmt hzrk pwey Isdn", "qvmt hzrk pwey Isdn"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "The password: that will come soon",
        "Password: Dear John Best Mike",
        "spring.mail.password=",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn an_mqtt_clients_password_option() {
    assert_eq!(
        values("mosquitto_sub -d -u sensor7 -P 884213 -t \"topic/command\""),
        vec!["884213"]
    );
    assert_eq!(
        values("mosquitto_pub -h 10.0.0.9 -t a -m hi -u hass -P 'Mq7!zt2Lk'"),
        vec!["Mq7!zt2Lk"]
    );
    // Capital `-P` is a port or a flag to other programs.
    for t in [
        "mysql -h db1 -P 3306 -u root -p",
        "scp -P 2222 backup.tar admin@10.0.0.5:/srv",
        "mosquitto_sub -h broker -p 1883 -t '#' -v",
        // A demo of what the broker accepts.
        "mosquitto_pub -t test -m test -u gooduser -P goodpass",
        "mosquitto_pub -t test -m test -u baduser -P badpass",
        "mosquitto_pub -t t -m x -u bob -P wrong_password",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn oracle_logins_on_a_command_line() {
    for (t, v) in [
        (
            "sqlplus 'PDBADMIN/\"Qw7fK2y_t#hL3\"@localhost:1521/PDB1'",
            "Qw7fK2y_t#hL3",
        ),
        ("sqlplus -L scott/Tg8mzq2x@db1.corp:1521/ORCL", "Tg8mzq2x"),
        (
            "expdp system/Kq9!wz2Lm directory=dp dumpfile=a.dmp",
            "Kq9!wz2Lm",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "sqlplus / as sysdba",
        "sqlplus my_user/my_password@//localhost:1521/ORCLCDB",
        "sqlplus sys as sysdba",
        "sqlplus /nolog",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn a_kubernetes_secrets_values_in_base64() {
    // "Zq7Lm2Wx9K" and "OYjlStwZtP" in base64: real values.
    for (t, v) in [
        ("  password: WnE3TG0yV3g5Sw==", "WnE3TG0yV3g5Sw=="),
        (
            "  postgresql-password: \"T1lqbFN0d1p0UA==\"",
            "T1lqbFN0d1p0UA==",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    // "demo-password" and "changeme" in base64: stand-ins.
    for t in [
        "  password: ZGVtby1wYXNzd29yZA==   # Array password",
        "  DB_PASSWORD: Y2hhbmdlbWU=",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn a_value_its_writer_cut_short() {
    for t in ["    password = pypi-...", "token: ghp_…", "PASSWORD=sk-..."] {
        assert!(values(t).is_empty(), "{t}");
    }
    // A value the sentence trails off after is still given.
    assert_eq!(values("password = Kq8mWz2Lp..."), vec!["Kq8mWz2Lp"]);
}

#[test]
fn a_note_in_emphasis_where_the_value_would_be() {
    for t in [
        "   - SSH Password or Key File: *(Your VPS SSH credential)*",
        "Password: _[set by the customer]_",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn mechanisms_setting_words_and_secret_settings_are_no_logins() {
    for t in [
        "mech_list: PLAIN LOGIN CRAM-MD5 DIGEST-MD5",
        "I assume you forget to set the requirepass parameter.",
        "So i set the environment SASL_PASSWD to \"host user:pass\". But",
        "Here are the new credentials aws_access_key: enoefnenfen",
        // PostgreSQL's `--password` asks; the word after it names the database.
        "$ dbtoyaml -H db.example.net -U postgres --password postgres",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    assert_eq!(
        values("mysqldump --user backup --password Hx83kq2Lmz db"),
        vec!["Hx83kq2Lmz"]
    );
    assert_eq!(
        values("login: jdoe Hx83!kq2Lm for the portal"),
        vec!["Hx83!kq2Lm"]
    );
}

#[test]
fn an_empty_yaml_password_is_followed_by_the_next_key() {
    let t = "test:\n  username: root\n  password:\n\nproduction:\n  adapter: mysql2";
    assert!(values(t).is_empty(), "{:?}", values(t));
    assert_eq!(values("  password:\n    Hx83!kq2Lm"), vec!["Hx83!kq2Lm"]);
}

#[test]
fn an_answer_files_configuration_pass_is_no_password() {
    for t in [
        "\t<settings pass=\"offlineServicing\"></settings>",
        "    <settings pass=\"oobeSystem\">",
        "[*] The decrypted AES password is: DecryptedPassword!",
        "export BORG_PASSPHRASE=\"my secret\"",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    assert_eq!(values("<server pass=\"Summer2024\">"), vec!["Summer2024"]);
}

#[test]
fn acronyms_passwords_grants_and_binding_errors() {
    for (t, v) in [
        // Metasploit's options and their echo.
        (
            "msf6 exploit(windows/smb/psexec) > set SMBPass \"Tq8vLm2xZ\"",
            "Tq8vLm2xZ",
        ),
        ("FTPPwd => Wr5kLq9zN", "Wr5kLq9zN"),
        // MySQL 5's grant that creates its user.
        (
            "grant all privileges on app.* to 'app'@'%' identified by 'Vb7kLq2wz'",
            "Vb7kLq2wz",
        ),
        // Metasploit's login scanners report what worked.
        (
            "[+] 10.0.0.5:445 - Success: '.\\Administrator:Qz4!mWp8' Administrator",
            "Qz4!mWp8",
        ),
        // PowerShell shows the string it could not bind.
        (
            "Cannot bind parameter 'Password'. Cannot convert the \"Rt5!kLm9q\" value of type",
            "Rt5!kLm9q",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "grant all PRIVILEGES on *.* to username identified by 'password'",
        "Cannot bind parameter 'Password'. Cannot convert the \"<My password here>\" value of type",
        "The BYPass option skips it: BYPass => true",
        "a compass: North",
        "[-] 10.0.0.5:445 - Failed: '.\\test:Qz4!mWp8',",
        // "Without password" announces none; "clean" means empty.
        "root and without password and it is not ... any suggestion is welcome",
        "By default: login - admin, password is clean.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}
