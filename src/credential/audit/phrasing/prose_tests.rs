//! The password rules on prose in the languages the audit reads: a password changed "to" a
//! value in French, Spanish, Italian, Dutch and Chinese or reset to one, a misspelt German
//! label, a shell prompt below a password question, a wireless network's name before its key,
//! a login on one line after a protocol and an address (and the inventory lines it is not),
//! advice with an example of a bad password, "as discussed", a server's refusal quoted from a
//! log, a supposition in documentation, and the ordinary phrases that
//! use the same words (our own values).

use super::*;

fn values(t: &str) -> Vec<String> {
    find(t).into_iter().map(|f| f.value).collect()
}

#[test]
fn changed_to_a_value_in_several_languages() {
    for (t, v) in [
        ("j'ai changé le mot de passe en Kq8!mWz2", "Kq8!mWz2"),
        ("cambié la contraseña a Kq8mWz2", "Kq8mWz2"),
        ("ho cambiato la password in Kq8mWz2", "Kq8mWz2"),
        ("ik heb het wachtwoord ingesteld op Kq8mWz2", "Kq8mWz2"),
        ("Paswort: Kq8mWz2", "Kq8mWz2"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "J'ai changé le mot de passe en ligne.",
        "I changed the password in the settings.",
        "Ho cambiato la password in fretta.",
        "Ik heb het wachtwoord ingesteld op de website.",
        "Email is off: set SMTP_PASS in backend/.env",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn answers_lists_and_examples() {
    for (t, v) in [
        // A question about a password, the answer on the next line of a chat.
        (
            "[09:12] kim: what's the backup pw again?\n[09:13] lou: svc-backup / Bk7!uLm2q",
            "Bk7!uLm2q",
        ),
        // An address glued to its value on a line about logging in.
        (
            "creds for the demo tenant: ops@tenant.example:Ten4nt!Ops",
            "Ten4nt!Ops",
        ),
        // A label whose words hold "sha" without being about hashes.
        (
            "Password for the shared folder:\n\nFold3r#Lynx-2231",
            "Fold3r#Lynx-2231",
        ),
        // Demo accounts as replies give them.
        ("Login for the demo:\nkim@demo.example\n839201", "839201"),
        ("Id- kim@demo.example\nPass - walrus", "walrus"),
        (
            "these credentials work now `kim@demo.example` and `walrusbeach`",
            "walrusbeach",
        ),
        // A blank line ends an example's block.
        (
            "For example:\nssh ops@10.0.0.10\n\nansible_password=Kq8mWz2Lp",
            "Kq8mWz2Lp",
        ),
        // JSON in JSON's next key is no list of examples.
        (
            "{\"user\":\"app\",\"password\":\"48213377\",\"db\":\"x\"}",
            "48213377",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "An example of a strong password would be:\nBlue7Horse",
        "if I had for example this: a$b, the password that would be set would be 'hello'",
        "curl https://api.example/v1 -u 'account-SID:account-token'",
        "poll mail.example.org user \"ann@example.org\" password \"xxxpw\"",
        "psk=\"enter key\"",
        "menu passwd $4$AbCdEf12$Zm9vYmFyYmF6cXV4MTIzNDU2Nzg$ kernel linux",
        "Is \"Winter2027!\" a good password? No, a season and a year are guessed first.",
        "git clone git@git.example.org:team/login-service.git",
        "Login details:\nUser: kim\nthanks, that worked",
        "the credentials \"user\" and \"pass\" are the form's fields",
        "Use numeric comparisons for 'uid' and 'creduid' matching.",
        // A block a line above introduces as an example.
        "It's possible to do something like...\n\
         web  ansible_host=10.0.0.10  ansible_user=ops  ansible_password=Kq8mWz2Lp\n\
         db   ansible_host=10.0.0.20  ansible_user=dba  ansible_password=Tz7mQw2Lx",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn bracketed_logins_and_stand_in_shapes() {
    for (t, v) in [
        // The account and its password each in brackets after its word.
        (
            "Man meldet sich mit der Adresse (kim@demo.example) und dem Passwort (zub) an.",
            "zub",
        ),
        (
            "log in with the user (kim) and the password (Hx7!kq2m)",
            "Hx7!kq2m",
        ),
        // A stand-in word made into a real password with a sign and digits.
        ("Username: kim@demo\nPassword: dummy@482", "dummy@482"),
        // A demo's weak word given for a real account.
        ("Demo account: qa@shop-demo.net / testing", "testing"),
        ("username: qa@shop-demo.net\npassword: demo", "demo"),
        // A value in emphasis, one word or two.
        ("Password: *Kq8mWz2Lp* (new)", "Kq8mWz2Lp"),
        ("Passphrase: _Kq8m Wz2Lp_", "Kq8m Wz2Lp"),
        // A setting's name, then the reader's own value.
        ("password: ADMIN_INITIAL_PASSWORD - in your case 731", "731"),
        // A chat's answer alone on a line below a question about a password.
        (
            "what's the password of the demo?\ntried admin/1234, no luck\ndemo4711",
            "demo4711",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "Log in with the user (admin) and the password (optional).",
        "Please log in (see the wiki) with your password (the usual one).",
        "$config['smtp_pass'] = 'mon-mdp';",
        "password: dummy_password1",
        "Demo account: demo@demo.com / demo",
        "- changed only AP password -> working",
        "the password is reset in this case by the admin",
        "Did you reset the password?\nyes, ticket 4711\nthanks",
        "which password manager do you use?\nKeePassXC\nv2.7.9",
        "Use the discrete \"password=\" and \"domain=\" options instead.",
        "username: kim@example.com\npassword: test",
        "If the welcome mail says \"your password is Spring2031!\", most people keep it.",
        // A description in emphasis where the value goes.
        "- **Password**: _sip account password_",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_shell_prompt_is_no_password() {
    // A terminal screenshot's text: the prompt stands on the line after the question.
    for t in [
        "jordan@web01:~$ Enter your password:\njordan@web01:~$",
        "Password:\nroot@db-2:/var/lib# ",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", find(t));
    }
    assert_eq!(values("Password:\nKq7!mzR2x"), vec!["Kq7!mzR2x"]);
}

#[test]
fn chinese_set_to() {
    assert_eq!(
        values("把密码修改为 Xy7kq2Lm 后就可以登录了"),
        vec!["Xy7kq2Lm"]
    );
    // An account set to a value, the password named after it in the same sentence.
    assert_eq!(
        values("root我已经改成 q8w7e6r5 了，还是提示用户名或密码错误"),
        vec!["q8w7e6r5"]
    );
    for t in [
        "密码设置成功，请重新登录",
        "我把密码改成了新的",
        "端口设置成8080，密码不变",
        "用户权限设置成只读。密码另行通知",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn reset_to_a_value_and_a_network_before_its_key() {
    for (t, v) in [
        ("password reset to Hv4!qPz81m", "Hv4!qPz81m"),
        ("admin password updated to Hv4!qPz81m", "Hv4!qPz81m"),
        ("WLAN: Gast / Hv4!qPz81m", "Hv4!qPz81m"),
        ("Guest WiFi: LobbyNet / Sommer2031!", "Sommer2031!"),
        // French and Spanish say "code" for a network's key.
        ("Le code wifi est Hv4!qPz81m", "Hv4!qPz81m"),
        ("código wifi: Hv4!qPz81m", "Hv4!qPz81m"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "password reset link expires in 24 hours",
        "password reset to default",
        "Password reset to your account is done via the portal.",
        "WiFi: Office / see the poster in the kitchen",
        "SSID: Office / 5 GHz",
        "Wireless: 802.11ac / 5 GHz / WPA2",
        "The wifi works, the code review is tomorrow",
        "promo code SUMMER2024 for the wifi upgrade",
        "The code is Kq8vRt2Lm9 in the repo",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_login_on_one_line_after_a_protocol_and_inventory_lines() {
    for (t, v) in [
        ("RDP 10.20.0.14 administrator Hv4!qPz81m", "Hv4!qPz81m"),
        ("SSH: 10.20.0.14 root Hv4!qPz81m", "Hv4!qPz81m"),
        (
            "log in to https://portal.corp.test with jdoe / Hv4!qPz81m",
            "Hv4!qPz81m",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        // An inventory: address, host name, system.
        "10.20.0.14 web01 Ubuntu22.04",
        "192.168.1.20 fileserver Windows2019",
        "SSH 10.20.0.14 port22 OpenSSH_9.6",
        "Server 10.20.0.14 restarted at 10:42",
        "log in to https://portal.corp.test with SSO / Okta",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn advice_and_arrangements_are_no_password() {
    for t in [
        "Never use Password1! as your password.",
        "Common passwords like \"Summer2024!\" are banned by our policy.",
        "Avoid words such as \"Welcome2024\" in a password.",
        "Password: as discussed",
        "Password: as agreed on the phone",
        // An encoding's name near the password word.
        "The portion after the text `Basic` is the Base64 encoding of the username and password.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    assert_eq!(
        values("use Hv4!qPz81m as the password for the VPN"),
        vec!["Hv4!qPz81m"]
    );
}

#[test]
fn refusals_suppositions_and_slots_are_no_password() {
    for t in [
        // A server's refusal quoted from a log, its code beside the password word.
        "SERVER -> CLIENT: 535 5.7.0 (#MBR1212) Incorrect username or password.",
        "Error AUTH-4471x2: invalid email or password",
        // Documentation supposing a value, and the link it "would look like".
        "So if your email was bob@gmail.com and you generated an App password of abc123-345def",
        // A test's and a template's slot names.
        "spring.mail.password=testpassword",
        "password: AppPassword",
        // The user in "this case", paired with a password after it; an account's state.
        "So I typed in the correct information (in this case 90919293 and password is",
        "I use my e-mail and password but the account always is close",
    ] {
        assert!(values(t).is_empty(), "{t}");
    }
}

#[test]
fn an_adjective_after_the_password_word() {
    for (t, v) in [
        (
            "Foi criado com a senha padrão 34164579, testa aí",
            "34164579",
        ),
        (
            "It was created with the default password 34164579, try it",
            "34164579",
        ),
        ("la contraseña temporal Xk29fq02 vale un día", "Xk29fq02"),
    ] {
        assert_eq!(values(t), vec![v], "{t}");
    }
    for t in [
        "senha padrão é obrigatória",
        "with the new password you will be fine",
        "le mot de passe provisoire expire demain",
        "- Testar login com usuário/senha corretos;",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_wifi_networks_key_in_hex_and_its_key_management() {
    let hex = "345cb7373beff44a800270efa2b58322ee6188dd84ac4fd5512f393d2c1b5922";
    for t in [
        format!("nmcli d wifi connect B8:6A:F1:B0:F4:12  password {hex}"),
        format!("network={{\n  ssid=\"home\"\n  psk={hex}\n}}"),
    ] {
        assert_eq!(values(&t), vec![hex.to_string()], "{t}");
    }
    for t in [
        format!("sha256 of the image: {hex} (password protected zip)"),
        "Config: added 'key_mgmt' value 'WPA-PSK WPA-PSK-SHA256 FT-PSK'".to_string(),
        "    key_mgmt=WPA-EAP SAE".to_string(),
    ] {
        assert!(values(&t).is_empty(), "{t}: {:?}", values(&t));
    }
}

#[test]
fn a_list_of_numbers_after_a_login_word() {
    assert!(values(
        "Bonjour, est-il possible de rajouter les identifiants E020001, E020003, E020022 SVP ?"
    )
    .is_empty());
    assert_eq!(values("credentials: jdoe, Xy7pq0Lm2"), vec!["Xy7pq0Lm2"]);
}

#[test]
fn an_example_of_a_good_password_in_a_policy() {
    for t in [
        "New password should meet the password criteria:\nexample of good password: A@qr*981",
        "Beispiel für ein gutes Passwort: Xk9!mQ2z",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
    assert_eq!(
        values("the password for the share: A@qr*981"),
        vec!["A@qr*981"]
    );
}

#[test]
fn a_value_a_verb_puts_as_the_password_and_writeups_wording() {
    for (t, v) in [
        (
            "it works using quill-harbour as the password!",
            "quill-harbour",
        ),
        ("unzip it with the given password tidewater:", "tidewater"),
        (
            "then log in with the correct password Kq8mWz2Lp",
            "Kq8mWz2Lp",
        ),
        ("dan password nya adalah \"#4^5Kq()\"", "#4^5Kq()"),
        // The writer's own code "looks like this": no example.
        (
            "The code to produce my credentials object looks like this:\n      auth_pass: \"M3ekvc5oscYvUuO309\",",
            "M3ekvc5oscYvUuO309",
        ),
        // A pair in brackets after the word for credentials.
        (
            "They were also given some user credentials (Gonzo:Kq8mWzLp).",
            "Kq8mWzLp",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "I tried using something as the password",
        "I am using keepass as the password manager",
        "Log in with the password below:",
        "use this as the password",
        "login with the correct password and it works",
        "the credentials (see the wiki) are in the vault",
        "you need an account (user:pass) to comment",
        // A template's number slot: the group's name with crosses.
        "Al intentar ingresar con la contraseña grupoXX me aparece un error",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_plain_word_before_the_users_half_or_a_time() {
    for (t, v) in [
        ("the password is sunshine and the user is bob", "sunshine"),
        ("I set the password to marigold for now.", "marigold"),
        // "pass:" after a user's label on its line.
        ("user: bob, pass: bluebird", "bluebird"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "the password is stored for now",
        "the password is required and the user must exist",
        "the password is correct and the username is admin",
        "the pass is open until June",
        "we crossed the pass: beautiful",
        // How it is kept, in a compound.
        "The password is base64-encoded by running the following in a terminal",
        // Stand-in words joined by dashes.
        "Password used for logging in is foo-bar-baz.",
        // A verb in quotes is no value.
        "2. Your temporary password \"becomes\" your original password once it has been issued.",
        // A comparison's examples.
        "I have come across passphrases as complex as:\n\n– MyRestaurant2017\n– The owner's number",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_sentence_wrapped_at_its_password() {
    // Mail wrapped at 72 columns breaks where it may: before "is", or after it.
    for (t, v) in [
        (
            "As a reminder, your username is jdoe7 and your password\nis lanterns.  Keep this mail.",
            "lanterns",
        ),
        (
            "As a reminder, your username is jdoe7 and your password is\nlanterns.  Keep this mail.",
            "lanterns",
        ),
        ("> the new pwd will be\n> Quill42x for now", "Quill42x"),
        ("P00512345\npswd:  harbor", "harbor"),
        (
            "over the web using the login: okafor, password: \nlanterns. This is our trial",
            "lanterns",
        ),
        ("PSW: Tk72mqz", "Tk72mqz"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    // The same words wrapped around talk about a password stay clean, and a line that only
    // follows one is no continuation.
    for t in [
        "The password\nis stored in the vault.",
        "Your password\nis required to log in.",
        "your password is\nyour birth date",
        "Forgot your password\nClick here to reset it",
        "the mountain pass\nis closed today",
        "Enter your password\n\nis the first step",
        "To get in you will need your user name and password:\nthe ones you got from IT.",
        "To get in you will need the following password:\nWelcome to the site, please log in.",
        "Please send me your login id and password:\nI will set up the account tomorrow.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_sentence_ends_the_search_for_a_value() {
    for (t, v) in [
        (
            "Your old password is expired. The new one is Kq7mZ2xp",
            "Kq7mZ2xp",
        ),
        (
            "the password is wrong! the right one is Kq7mZ2xp",
            "Kq7mZ2xp",
        ),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    // The next sentence is about something else (GNU libtool's NEWS on its anonymous CVS).
    for t in [
        "The password is empty.  The directory is libtool.  Check our home-page",
        "The password is blank. Our server is hostel7 at the moment.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}

#[test]
fn a_login_and_its_password_given_value_first() {
    for (t, v) in [
        (
            "Okafor4471 is my login name and lanterns is the password.",
            "lanterns",
        ),
        (
            "jdoe is my login name and harbor is the password.",
            "harbor",
        ),
        ("rwhit3 is the user id, and quill is my password", "quill"),
    ] {
        assert_eq!(values(t), vec![v.to_string()], "{t}");
    }
    for t in [
        "jdoe is my login and blah is the password",
        "Monday is my login day and Friday is the password reset day",
        "jdoe is my login and password is the same",
        "sunshine is the password.",
    ] {
        assert!(values(t).is_empty(), "{t}: {:?}", values(t));
    }
}
