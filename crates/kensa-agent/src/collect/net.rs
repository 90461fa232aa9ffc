//! Listening sockets from /proc/net/{tcp,tcp6,udp,udp6}, tied to processes through the
//! socket inodes of /proc/PID/fd.
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use kensa_telemetry::{Family, Proto, Warning};

/// A socket as the kernel lists it, before its process is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// Which table it came from: TCP (listening) or UDP (bound, unconnected).
    pub proto: Proto,
    /// IPv4 (`tcp`, `udp`) or IPv6 (`tcp6`, `udp6`) table.
    pub family: Family,
    /// Local bind address; unspecified (`0.0.0.0`, `::`) means every interface.
    pub address: IpAddr,
    /// Local port, host byte order.
    pub port: u16,
    /// Socket inode, matched against `/proc/PID/fd` links to find the owning process.
    pub inode: u64,
}

/// TCP `LISTEN`.
const TCP_LISTEN: &str = "0A";
/// UDP sockets that are bound but not connected show `TCP_CLOSE`.
const UDP_UNCONNECTED: &str = "07";

/// Reads the four tables under `proc` (normally `/proc`).
pub fn sockets(proc: &Path, warnings: &mut Vec<Warning>) -> Vec<Socket> {
    let tables = [
        ("net/tcp", Proto::Tcp, Family::V4),
        ("net/tcp6", Proto::Tcp, Family::V6),
        ("net/udp", Proto::Udp, Family::V4),
        ("net/udp6", Proto::Udp, Family::V6),
    ];
    let mut out = Vec::new();
    for (name, proto, family) in tables {
        let path = proc.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => out.extend(parse_table(&text, proto, family)),
            // No IPv6 in this kernel: the table is absent, nothing listens on it.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && family == Family::V6 => {}
            Err(e) => warnings.push(Warning::new(path.display().to_string(), e.to_string())),
        }
    }
    out
}

/// Parses one table; lines that do not parse are skipped (the header, a truncated line).
pub fn parse_table(text: &str, proto: Proto, family: Family) -> Vec<Socket> {
    let wanted = match proto {
        Proto::Tcp => TCP_LISTEN,
        Proto::Udp => UDP_UNCONNECTED,
    };
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 10 || cols[3] != wanted {
                return None;
            }
            let (address, port) = parse_endpoint(cols[1], family)?;
            // A UDP socket with a remote port is connected, not serving.
            if proto == Proto::Udp && parse_endpoint(cols[2], family)?.1 != 0 {
                return None;
            }
            let inode = cols[9].parse().ok()?;
            Some(Socket {
                proto,
                family,
                address,
                port,
                inode,
            })
        })
        .collect()
}

/// `0100007F:1F90`: the address is the kernel's in-memory bytes printed as native-endian
/// 32-bit words, the port is big-endian hex.
fn parse_endpoint(text: &str, family: Family) -> Option<(IpAddr, u16)> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words = (0..addr.len() / 8)
        .map(|i| u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect::<Option<Vec<u32>>>()?;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    let ip = match (family, bytes.len()) {
        (Family::V4, 4) => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        (Family::V6, 16) => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some((ip, port))
}

/// Socket inode -> pid, from every readable /proc/PID/fd. The lowest pid wins when a
/// socket is shared (a pre-forked server's parent).
pub fn socket_owners(proc: &Path, warnings: &mut Vec<Warning>) -> BTreeMap<u64, u32> {
    let mut owners = BTreeMap::new();
    let mut unreadable = 0usize;
    let Ok(entries) = std::fs::read_dir(proc) else {
        warnings.push(Warning::new(
            proc.display().to_string(),
            "cannot list processes",
        ));
        return owners;
    };
    let mut pids: Vec<u32> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let Ok(fds) = std::fs::read_dir(proc.join(format!("{pid}/fd"))) else {
            unreadable += 1; // another user's process, or one that just exited
            continue;
        };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse().ok())
            {
                owners.entry(inode).or_insert(pid);
            }
        }
    }
    if unreadable > 0 {
        warnings.push(Warning::new(
            proc.display().to_string(),
            format!(
                "file descriptors of {unreadable} processes not readable (run as root): \
                 sockets they own are listed without a process"
            ),
        ));
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_listening_tcp_and_skips_established() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0 100 0 0 10 0\n";
        let got = parse_table(text, Proto::Tcp, Family::V4);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].address.to_string(), "127.0.0.1");
        assert_eq!((got[0].port, got[0].inode), (8080, 4242));
    }

    #[test]
    fn reads_ipv6_any_address() {
        let text = "header\n   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1 0 100 0 0 10 0\n";
        let got = parse_table(text, Proto::Tcp, Family::V6);
        assert_eq!(
            (got[0].address.to_string().as_str(), got[0].port),
            ("::", 22)
        );
    }
}
