//! Collection from the running system and from a mounted root.
use std::net::{TcpListener, UdpSocket};
use std::path::Path;

use kensa_agent::collect::{collect, Options};
use kensa_telemetry::{CollectionMode, Family, Proto, Telemetry};

#[test]
fn finds_this_process_listening_with_pid_and_executable() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (tcp_port, udp_port) = (
        tcp.local_addr().unwrap().port(),
        udp.local_addr().unwrap().port(),
    );

    let doc = collect(&Options::live());

    let exe = std::env::current_exe().unwrap().canonicalize().unwrap();
    let pid = std::process::id();
    let found = doc.listeners_on(Proto::Tcp, tcp_port);
    assert_eq!(found.len(), 1, "{:#?}", doc.listeners);
    let l = found[0];
    assert_eq!((l.family, l.address.as_str()), (Family::V4, "127.0.0.1"));
    assert_eq!(l.pid, Some(pid));
    assert_eq!(l.exe.as_deref().map(Path::new), Some(exe.as_path()));
    assert_eq!(
        l.cmdline.as_ref().unwrap()[0],
        std::env::args().next().unwrap()
    );
    assert!(l.process_name.is_some() && l.user.is_some());
    // The test binary is an ELF executable the agent could read.
    assert!(l.elf_hardening.is_some(), "{:?}", doc.warnings);
    let u = doc.listeners_on(Proto::Udp, udp_port);
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].pid, Some(pid));

    // Live facts are there and the document passes the server's validation.
    assert_eq!(doc.mode, CollectionMode::Live);
    assert!(doc.host.kernel.running.is_some());
    assert!(doc
        .sysctls
        .as_ref()
        .unwrap()
        .contains_key("kernel.randomize_va_space"));
    let json = serde_json::to_vec(&doc).unwrap();
    assert_eq!(Telemetry::from_json(&json).unwrap(), doc);
}

#[test]
fn mounted_root_has_files_and_packages_but_no_runtime_state() {
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../kensa-vuln/tests/fixtures/amzn2023-root");
    let root = tempfile::tempdir().unwrap();
    copy_dir(&fixture, root.path());
    let etc = root.path().join("etc");
    std::fs::create_dir_all(etc.join("ssh")).unwrap();
    std::fs::write(etc.join("ssh/sshd_config"), "PermitRootLogin no\n").unwrap();
    std::fs::write(etc.join("login.defs"), "PASS_MAX_DAYS 90\n").unwrap();
    std::fs::create_dir_all(root.path().join("lib/modules/6.1.0-1.amzn2023")).unwrap();

    let doc = collect(&Options::root(root.path()));

    assert_eq!(doc.mode, CollectionMode::Root);
    assert_eq!(doc.listeners, None);
    assert_eq!(doc.sysctls, None);
    assert_eq!(doc.host.kernel.running, None);
    assert_eq!(doc.host.kernel.installed, ["6.1.0-1.amzn2023"]);
    assert_eq!(doc.host.os_release["ID"], "amzn");
    assert!(!doc.packages.is_empty());
    assert_eq!(
        doc.sshd.as_ref().unwrap().get("permitrootlogin"),
        Some("no")
    );
    assert_eq!(doc.files["/etc/login.defs"], "PASS_MAX_DAYS 90\n");
    assert!(doc
        .permissions
        .iter()
        .any(|p| p.path == "/etc/ssh/sshd_config"));
    Telemetry::from_json(&serde_json::to_vec(&doc).unwrap()).unwrap();
}

#[test]
fn unreadable_config_file_is_a_warning_not_an_absence() {
    let root = tempfile::tempdir().unwrap();
    let etc = root.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    // A directory where a file is expected cannot be read as one.
    std::fs::create_dir_all(etc.join("login.defs")).unwrap();
    let doc = collect(&Options::root(root.path()));
    assert!(!doc.files.contains_key("/etc/login.defs"));
    assert!(
        doc.warnings.iter().any(|w| w.source == "/etc/login.defs"),
        "{:?}",
        doc.warnings
    );
    assert!(doc.warnings.iter().any(|w| w.source == "/etc/os-release"));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A packaged program listening on this machine is tied to its package through the
/// package manager's file lists (this machine's dpkg database; skipped elsewhere).
#[test]
fn a_packaged_listener_names_its_package() {
    let python = Path::new("/usr/bin/python3");
    if !Path::new("/var/lib/dpkg/status").is_file() || !python.exists() {
        eprintln!("no dpkg database or no /usr/bin/python3: skipped");
        return;
    }
    let script = "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)\n";
    let mut child = std::process::Command::new(python)
        .args(["-c", script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let port: u16 = line.trim().parse().unwrap();

    let doc = collect(&Options::live());
    child.kill().unwrap();
    child.wait().unwrap();

    let found = doc.listeners_on(Proto::Tcp, port);
    assert_eq!(found.len(), 1, "{:#?}", doc.listeners);
    assert_eq!(found[0].pid, Some(child.id()));
    let owner = found[0]
        .package
        .as_ref()
        .unwrap_or_else(|| panic!("no owner for {:?}: {:?}", found[0].exe, doc.warnings));
    assert_eq!(owner.kind, kensa_telemetry::PackageKind::Deb);
    assert!(owner.name.starts_with("python3"), "{owner:?}");
    let installed = doc.packages.iter().find(|p| p.name == owner.name).unwrap();
    assert_eq!(owner.version, installed.version);
    // The test binary itself belongs to no package.
    let own = doc
        .listeners
        .iter()
        .flatten()
        .filter(|l| l.pid == Some(std::process::id()));
    assert!(own.into_iter().all(|l| l.package.is_none()));
}
