//! The text rules on hardware and protocol developers' mailing lists: ssh's debug output,
//! ipmitool's fields, devicetree labels, a sensor's labels, diffstats, a name service's log,
//! system call traces, base64 and base85 runs, a learning series' meeting, a product's
//! published default beside a link to its code, wrapped prose, a CI bot's test summary, test
//! harnesses' results, debuggers' and lock checkers' output, Bluetooth's base UUID, hardware
//! addresses; kernel selftests' output, ciphers' and errors' names, logging calls' text, audit
//! rules' keys, container images, lookups' keys in a radio's log, Python's `pass` quoted; Wi-Fi
//! drivers' patch subjects, key managements' names, debug dumps, test runners' lines, traces;
//! su's prompt, sshd's policy and reset commands in a project's support thread; a router
//! project's public keys, shell code, logging calls, GPIO pins and the name service's switch;
//! a file server's release notes, test names, key IDs, hash schemes and daemon logs.
//! Shaped like what the OpenBMC, linux-bluetooth, linux-security-module, linux-cifs, usrp-users,
//! linux-wireless, linux-nfs, linux-crypto, netfilter-devel, openwrt-devel and samba-technical
//! lists and GitHub issue threads flagged; our own names and values.

use super::*;

#[test]
fn a_developers_list_is_no_leak() {
    for t in [
        // What kind of key, or a list of them, is no key.
        "debug2: host key algorithms: rsa-sha2-256,ssh-rsa",
        "debug1: kex: host key algorithm: rsa-sha2-256",
        "the update fails since the default private key (Acme.priv,RSA-1024,SHA256) differs",
        "the terminal cannot determine the key (F5-F12) that I pressed.",
        // A tool's field and a sensor's labels.
        "Bad Password Threshold  : Not Available",
        "iin\niout1\nvout1\npin\npout1\npout2",
        // Short words glued into names: a devicetree label, a diffstat's path.
        "+        fanin0_pin: fanin0-mux {",
        " .../{acme-mdp => vendor/mdp}/Makefile        |   2 +-",
        // The passwd map in a daemon's log, the file in a system call's trace.
        "Sep 25 09:17:52 bmc7 nslcd[1127]: [200854] <passwd=\"TestUser\"> no LDAP server found",
        "openat(AT_FDCWD, \"/etc/passwd\", O_RDWR|O_NOCTTY|O_NONBLOCK|O_LARGEFILE|O_NOFOLLOW)",
        // A run of base64 holding "pW".
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB uBiONKYLm6BClCoBCM5O9JfeUSlnQLBTxYdTK+pW +nFq2Lm8Xz5Qw3Rt7Yu",
        // `mkdir -p` far after a `-u` in one long line is no login.
        "gcc -u start -o out main.o; echo done; cd build && make all V=1 && echo built all targets; mkdir -p include/generated/",
        // A learning series' meeting, its link below.
        "Session#\nTitle\nMeeting Info (password: harbor)\n1\nUser Management\nhttps://us02web.zoom.us/j/81386216701",
        // A product's default beside a link to its code, or read whole as a login.
        "default login root/0penBmc works. See https://github.com/openbmc/docs",
        "and I am able to login using root/0penBmc.",
        // A variable spliced into a quoted argument.
        "curl -d '{\"UserName\":\"root\", \"Password\":\"'${bmcpassword}'\"}' https://bmc7",
        // Quoting's marks after a field's word.
        "> >/>   When the user needs to change the login password, the/\n> >/> current way",
        // ssh's prompt for the password, then the shell's.
        "ssh root@10.0.0.8\nroot@10.0.0.8's password:\nroot@bmc7:~#",
        "root@10.0.0.8<mailto:root@10.0.0.8>'s password:\nroot@bmc7<mailto:root@bmc7>:~#",
        // Wrapped prose: an adverb, a comparative.
        ">>> by which we are storing the IPMI passwords on the BMC is\n>>> insufficiently\n>>> obfuscated.",
        "The problem gets lots worse quickly when the password is longer. Even a",
        // A CI bot's summary and its link; test harnesses' results; a test's macro.
        "Test Summary:\nSubjectPrefix                 PASS      0.06 seconds\nBuildKernel32                 PASS      25.57 seconds",
        "This is a CI test results with your patch series:\nPW\nLink:https://patchwork.kernel.org/project/x/list/?series=852187",
        "| L2CAP/COS/CED/BI-05-C | PASS   |    6.1 | 5.69  | Pre-condition:  |\n|                       |        |        |       | - Run: btmon   |",
        "This is required for passing PTS test cases:\n- L2CAP/COS/CED/BI-14-C",
        "PASS: unit/test-bass\n  CC       unit/test-vcp.o",
        "PASS: unit/test-uuid\nFAIL: unit/test-crypto",
        "#define CHECK(a, b) (strcmp((a), (b)) ? FAIL : PASS) : IGNORE",
        // A git binary patch's base85, quoted.
        "> zVK=4FvD%2OFWT%&iLHhlgq?1qfOiK-PW$!$o&E%De1Nf5Ui-E>k+yeqmx#4ACl=8J",
        // Debuggers', lock checkers' and tools' output; code.
        "l_hashmap_lookup (hashmap=0x46b550, key=key@entry=0x4c8f40)",
        ".. key      at: [<ffffffff8502fe90>] key.2+0x0/0x40",
        "static_key = numpy.random.randint(0, 255, 16)",
        "+    key = m[1].strip()",
        "ServiceData Key: 0000fe2c-0000-1000-8000-00805f9b34fb",
        "+      key E modules this is the W_DISABLE2#",
        "exit status 255 [\"ssh\" \"-o\" \"ConnectTimeout=10\" \"root@10.128.0.96\" \"pwd\"]: exit",
        "Registering new address record for\n127.0.0.1 on lo.IPv4.",
        "valid device address and instead end up using the default address\n00:00:00:00:5a:ad.",
        "Credential Encryption/Decryption failed",
        // Names alike, an idiom, a verb.
        "TBD: iso-tester / l2cap-tester",
        "-\t/* TODO: Take into account the \"appearance\" and \"local-name\" flags here.",
        "userspace application pass PCMs16 data to kernel which",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // The same carriers with a value in them are findings.
    for t in [
        "The key for the share is Kq7!mZ2x",
        "pin\n4821\n",
        "root@10.0.0.8's password:\nKq7!mZ2x",
        "URL: http://115.112.167.25:3000/lua/login.lua\nUser ID: admin\nPassword: admin",
        "ipmitool -I lanplus -H 10.0.0.8 -U operator1 -P Harbor2291 power status",
        "USER: jdoe\nPASS: Kq7!mZ2x",
        "{\"pwd\": \"Kq7!mZ2x\"}",
        "db1:5432:app:jdoe:Kq7mZ2xp",
        "the key is Kq7!mZ2x==",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}

#[test]
fn kernel_and_radio_lists_are_no_leak() {
    for t in [
        // Tests' output: a selftest's lines, "tests pass:" over their names.
        "test_test_lsm:PASS:skel_load 0 nsec\ntest_test_lsm:PASS:attach 0 nsec",
        "All 7 tests pass:\ntest_file_open_ok",
        // A cipher's name, a key's identifier, a filter key, a lookup's key.
        "The random key itself is AES-128-GCM and is never exported.",
        "\t__be32 keyid;\t\t/* IMA key identifier - not X509/PGP specific */",
        "-a always,exit -F arch=b64 -S bpf -F key=suite-1628714321-QbTrZxWv",
        "KeyError: Calibration Data not found for: key=31F94F0#0, serial=x3xx_rx",
        "[TRACE] cal data found for key x3xx_pwr_tx+rx, key x3xx_pwr_tx+rx, serial 30ED045#0",
        "IP license key 'ten_gig_eth_pcs@2015.04' is enabled with a Design_Linking license.",
        "      <key>gain_dB_ch0</key>",
        // The same wrapped, and an audit record's key.
        "> KeyError: Calibration Data not found for: \n> key=31F94F0#0, serial=x3xx_rx|",
        "[TRACE] cal data found for key \nx3xx_pwr_tx+rx, key x3xx_pwr_tx+rx, serial 30ED045#0",
        "    op=add_rule key=suite-1589392525-QbTrZxWv list=exit res=yes",
        // Code: a logging call's text, a macro, a system call's comments, a path, errors.
        "+\t\tpr_info(\"trusted_key: TSS failure %d\\n\", rc);",
        "\trcu_assign_pointer((KEY)->payload.rcu_data0, (PAYLOAD));",
        "  syscall(__NR_fsconfig, /*fd=*/r[0], /*cmd=*/1ul, /*key=*/0x20000640ul,",
        "#0  foo (c=<optimized out>, key=@0x7ffd5a3c2b10) at x.cpp:12",
        " #define TOKEN_FS_CUSTOM \"/bpf-token-fs\"",
        "    [\"STATUS_WRONG_PASSWORD\", \"EACCES\"],",
        "gdm-password][3362]: pam_cifscreds(gdm-password:session): credential",
        "And smb.conf and password db are 0700 - similar to",
        // Prose about credentials; identifiers and directories side by side.
        "* `struct cred` is refcounted with `get_cred`/`put_cred`.",
        "the change log explaining why creds work and task_structs don't.",
        "using the credentials of /bin/bash process",
        "This additionally makes the creds available to:\n\n\tfsnotify\n\teventpoll",
        "the selftest throws a WARN in test_progs / test_progs-no_alu32",
        "$ (cd root/x86_64; KARGS=quiet ./run-qemu.sh)",
        // A container image, a source file's place, a timer in a trace.
        "     docker.io/archlinux:base-devel",
        "  6:6     dmesg.kernel/pid.c:#suspicious_rcu_dereference_check()usage",
        "function: 0xffffffff89da5be0, expires: 376111885722141, softexpires: 376111885722141,",
        // Python's pass, quoted in a reply.
        ">         except:\n>             pass\n>         self.layout = Qt.QVBoxLayout()",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // Their relatives with a value are findings.
    for t in [
        "mount -t cifs //10.0.0.8/share /mnt -o username=qa,password=Harbor2291",
        "The key for the share is Kq7!mZ2x",
        "corp.example.com/alice:Kq7!mZ2x",
        "login: admin / admin_2291x",
        "Password: Kq7!mZ2x",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}

#[test]
fn a_wireless_list_is_no_leak() {
    for t in [
        // A driver's patch subject and code: "wifi:" names the subsystem, "code" is source code.
        "Subject: [PATCH 1/3] wifi: rtlwifi: Move code from rtl8192de to rtl8192d-common",
        "request after wifi reset gets error code -EBUSY from mac80211 and",
        "+\tstruct nxpwifi_ietypes_domain_code *domain_code;",
        "+\t\tif (enc_key->key_len == WLAN_KEY_LEN_CCMP) {",
        "\tkey->dot11RSNAStatsCCMPReplays++;",
        "MAC_RF_BYPASS0=rt2800_rfcsr_write",
        "\t\t\t\t\"FC::if_id[%d] Insuff.Credits/Qlen:%d/%u\",",
        "+\t\tcheck_pass = !strcmp(a, b);",
        // Key managements' names, a scan's flags, a debug log's dumps, D-Bus's entries.
        "using key_mgmt=WPA-PSK-SHA256.",
        "0:00:03:00\t2412\t-30\t[WPA2-PSK-CCMP][ESS]\tlab-net-5g",
        "PSK (ASCII passphrase) - hexdump_ascii(len=8): [REMOVED]",
        "wpa_supplicant[376]: SAE: password - hexdump(len=8): [REMOVED]",
        "1759401148.261442: wpa_dbus_dict_get_entry: dict entry key: Driver",
        "ieee80211w=2 controlled SAE association with Password Identifier",
        "Power-On Password Status: Not Implemented",
        // Tests' results, the regulatory database, a kernel trace, a lock checker.
        "  end_test \"PASS: macsec_vlan\"",
        "    Regdomain (CA/US/CA):     9/9 PASS (5 GHz: 26->24->26)",
        "PASS dpp_qr_code_auth_broadcast 0.523411 2021-02-03 12:00:01.123456",
        "@@ -1621,12 +1621,15 @@ country PW: DFS-FCC",
        "wpa_supplicant-961  [003]  6456.120287: rdev_add_key:  phy1, netdev:wlan0(6), key_index: 0",
        "[ 10.24]  ... key      at: [<ffffffffc111f0c0>] __key.69825+0x0/0xfffe2f40 [iwlwifi]",
        "here: given that 'radio'/'radio_idx' is passed in",
        // Journals' unit names and sudo's working directory, suites listed, MIB names, names.
        "Mar 28 20:26:30 z13 systemd[1]: Started Forward Password Requests to Wall Directory Watch.",
        "Mar 28 20:26:30 z13 sudo[9095]:     jdoe : TTY=pts/2 ; PWD=/home/jdoe ; USER=root",
        "\t\t * Authentication suites: PSK PSK/SHA-256 SAE",
        "# wpa_psk (dot11RSNAConfigPSKValue)",
        "+#define MT7927_PCIE2AP_REMAP_WF_0_54 0x18000",
        "I want the functions 'ieee80211_find_pwr_constr' and 'ieee80211_handle_pwr_constr' to be",
        // (The linux-crypto and netfilter-devel lists: a protocol after `-p`, tests' echoed
        // results, an audit record's key, s390's status word, getopt's argument, a curve.)
        "-D -w 11 -s 1.1.1.1 -d 2.2.2.2 -r 2.2.2.2 -q 1.1.1.1 -p icmp -u SEEN_REPLY",
        "+\t[ $? -eq 0 ] && echo \"PASS: icmp connection with ftp helper\"",
        "# PASS: ns1/ns2 connectivity with active broute rule",
        "type=SYSCALL msg=audit(1606404280.226:174542): success=yes key=\"suite-1606-QbTrZxWv\"",
        "[ 9463.223751] Krnl PSW : 0404c00180000000 000003ff8011c7ee (foo+0x36/0x48)",
        "\t\t\targs.client_pw = optarg;",
        "\ttristate \"Public key crypto: Curve25519 (NEON)\"",
        // (The linux-nfs list: an arrow a wrapped line split, a cipher's test vector.)
        ">> -       res = syscall(SYS_setresgid32, pw->pw_gid, pw- \n>> >pw_gid);",
        "+\t\t.key\t\t= \"\\x2b\\x7e\\x15\\x16\\x28\\xae\\xd2\\xa6\"",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // A test network's key as people paste it, and the network's own words, are findings.
    for t in [
        "network={\n  ssid=\"lab-5g\"\n  psk=\"harbor2291\"\n}",
        "wpa_passphrase=harbor2291",
        "Le code wifi est Kq7mZ2xLp4",
        "WiFi code: 48213377",
        "PSK: Kq7mZ2xLp4",
        "RTSP_READPASS: lens2031x",
        "PASS Kq7mZ2xLp4",
        "\t.key = \"Kq7mZ2xLp4\",",
        "Account: MT84 MALT 0110 0001 2345 MTLC AST0 01S",
        "mysql -u root -pKq7mZ2xLp4 db",
        "PSW: Kq7mZ2xLp4",
        // (A no-break space before the word is a delimiter two bytes long.)
        "title=\"3.449.\u{a0}wait_key\"> Password: Kq7mZ2xLp4",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}

#[test]
fn support_threads_are_no_leak() {
    // What people paste into a project's support thread around a password word: su's prompt
    // under its question, sshd's policy for root, commands that reset a password.
    for t in [
        "LC-NAS:~$ sudo su\n\nPassword:\nLC-NAS:/Data/admin#",
        "i have also change the Line PermitRootLogin without-password to #PermitRootLogin without-password.",
        "PermitRootLogin prohibit-password",
        "The commands to reset the webadmin password are:\n`sudo cp -p /var/app/conf/app.xml /var/app/conf/app.xml.bak`",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // The same threads' credentials stay findings.
    for t in [
        "Password:\nKq7!mZ2x",
        "user : app-admin\npassword : Kq7mZ2xWv9",
        "The new password is:\n`Kq7 harbor 9wz`",
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}

#[test]
fn a_router_developers_list_is_no_leak() {
    // The openwrt-devel list's false alarms: a signing public key's field, shell code that
    // builds a key from variables, a hexdump's label in a logging call, a GPIO pin in Python,
    // the name service's switch, an option's type list, a breach report's status column.
    for t in [
        "+  \\t\"pubkey\": \"untrusted comment: Local build key\\\\nRWQx7kLmZp2aXv9wT3nBq8sYc4dHf6gJ1uE5rK0oPiL\\\\n\" (esc)",
        "+\t\teval wlan_i_key=\\$wlan${devidx}_key",
        "+\t\t\tuci_wlan_key=\"set wireless.default_radio${devidx}.key=${wlan_i_key}\"",
        "- \t\twpa_hexdump_key(MSG_DEBUG, \"EAP-pwd: x_candidate\",",
        "pin = mraa.Gpio(2)",
        "-passwd:files",
        "passwd:         files systemd",
        " \tconfig_add_string mode ssid encryption 'key:wpakey'",
        "Affected Service\tDate\tVerified\tAffected users\t Password\nCombolist\tJan. 2019\t\t1,247,433,080\t Affected\nUnknown (Collection #1-#5)\tJan. 2019\t\t2,191,498,885\t Affected",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // What the list's mail really leaks stays found: a box's TR-069 passphrase in its
    // bootloader's environment, a test network's key, a list's membership reminder, and a
    // column of different passwords.
    for t in [
        "tr069_passphrase      Qm7Xk2pLwR9z",
        "network={\n\tssid=\"ibss-test\"\n\tpsk=\"Harbor2291\"\n}",
        "This is a reminder, sent out once a month, about your membership.\nYour membership password is kestrel7.",
        "pin = Kq7!mZ2x",
        "User\tPassword\nalice\tKq7!mZ2x\nbob\tHarbor2291x",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
}

#[test]
fn a_file_server_developers_list_is_no_leak() {
    // The samba-technical list's false alarms: release notes' bug titles and crypto names, test
    // suites' dotted names, gpg's key IDs, hash schemes' names, a key derivation function,
    // prose about credentials, a compound's halves, PAM's conversation, a daemon's log key, a
    // path in a setting, a shell variable read, a noun after "to the".
    for t in [
        "o  Andrew Bartlett <abartlet@example.org>\n    * BUG 10635: Office365 azure Password Sync not working.",
        "[50(509)/370 at 5m38s, 1 errors] samba3.rpc.schannel_anon_setpw anonymous password set (schannel enforced server-side)(nt4_dc_schannel)",
        "We already pass samba3.smb2.compound.related5, but mark related4 as knownfail.",
        "New key: rsa4096/61AD3D98ECDF2C8E  9D8B E14E 3F2A 9DD7 9199  28F1 61AD 3D98 ECDF 2C8E",
        "might need an alternate key derivation function: SP800-108.",
        "   * BUG 14424: dsdb: Allow \"password hash userPassword schemes = CryptSHA256\"",
        "eg set \"password hash userPassword schemes = CryptSHA512\"",
        "encryption types. It also mitigates the effects of credential theft by\nlimiting credential lifetime and scope.",
        "> (third) it update PAC buffers  such as logon-info and delegation-info",
        "pam_winbind.so\nPassword-Type: Primary\nPassword:",
        "named[718]: samba_dlz: allowing update of signer=dhcp\\@EXAMPLE.LOC name=w10.example.loc tcpaddr=127.0.0.1 type=A key=3538531543.sig-dc1.example.loc/160/0",
        "NSS_WRAPPER_PASSWD=/home/jdoe/code/samba/st/ad_dc/etc/passwd",
        "--target=samba3 //$SERVER/tmp -U$USERNAME%$PASSWORD smb2.acls 2>&1",
        "reset, meaning it does not transmit the old password to the domain\ncontroller. Normally a password reset avoids password history and age",
        " * *ARGON2I*: ARGON2i password scheme (v2.3.0+), needs libsodium",
        // (The apparmor list: a build robot's warning names a function's parameter `sk`.)
        "|   `-- security-apparmor-lsm.c:warning:Function-parameter-or-member-sk-not-described-in-apparmor_sk_free_security",
    ] {
        assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
    }
    // The list's lab logins and their relatives stay found.
    for t in [
        "# mount //localhost/cifs ~/cifs -o user=root,password=Harbor2291,posix,vers=3.1.1",
        "samba-tool domain provision --realm=example.net --adminpass=Kq7mZ2xW --function-level=2016",
        "I reset the password to Kq7!mZ2x",
        "credentials: jdoe and Sunflower7",
        "$PASSWORD = \"Kq7!mZ2x\";",
        "Password Kq7!mZ2x9 for the share",
        // (A value after "to" whose second letter is two bytes long: read, not cut in two.)
        "I changed the password to açaí123 yesterday",
        "OPENAI_API_KEY: sk-Zq7mK2xWv9Lp3Rt8Yb4Nc6Hd1Fg5Js0Ke7Mn2Pq4Rs8Tu",
    ] {
        assert!(!scan(t).is_empty(), "{t}");
    }
}
