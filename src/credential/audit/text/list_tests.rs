//! The text rules on hardware and protocol developers' mailing lists: ssh's debug output,
//! ipmitool's fields, devicetree labels, a sensor's labels, diffstats, a name service's log,
//! system call traces, base64 and base85 runs, a learning series' meeting, a product's
//! published default beside a link to its code, wrapped prose, a CI bot's test summary, test
//! harnesses' results, debuggers' and lock checkers' output, Bluetooth's base UUID, hardware
//! addresses. Shaped like what the OpenBMC and linux-bluetooth lists' first runs flagged; our
//! own names and values.

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
