//! The text rules on a hardware developers' mailing list: ssh's debug output, ipmitool's
//! fields, devicetree labels, a sensor's labels, diffstats, a name service's log, system call
//! traces, base64 runs, a learning series' meeting, a product's published default beside a
//! link to its code, and wrapped prose. Shaped like what the OpenBMC list's first run flagged;
//! our own names and values.

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
        // Wrapped prose: an adverb, a comparative.
        ">>> by which we are storing the IPMI passwords on the BMC is\n>>> insufficiently\n>>> obfuscated.",
        "The problem gets lots worse quickly when the password is longer. Even a",
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
    ] {
        assert_eq!(scan(t).len(), 1, "{t}: {:?}", scan(t));
    }
}
