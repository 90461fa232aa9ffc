//! Recognised ports: Amazon Inspector's network reachability list of well-known services,
//! with the severity kensa gives an exposure of each.
//!
//! Severities are kensa's: remote administration, file sharing, directory and database
//! services that should never face an untrusted network are High (Critical is left for
//! combined evidence, such as a known CVE on the exposed host); infrastructure and mail
//! services Medium; web ports Low. From a non-Internet source (peered VPC, VPN, transit
//! gateway) the severity is one step lower, never below Low.
use kensa_model::ports::PortRange;
use kensa_model::Severity;

use crate::flow::{TCP, UDP};

/// A well-known service's ports and the severity of exposing them to the Internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecognizedPort {
    /// The service's name as findings print it (`SSH`, `PostgreSQL`).
    pub service: &'static str,
    /// IP protocol number (TCP or UDP).
    pub protocol: u8,
    /// The service's ports.
    pub ports: PortRange,
    /// Severity of an exposure to the Internet.
    pub severity: Severity,
}

const fn p(
    service: &'static str,
    protocol: u8,
    from: u16,
    to: u16,
    severity: Severity,
) -> RecognizedPort {
    RecognizedPort {
        service,
        protocol,
        ports: PortRange { from, to },
        severity,
    }
}

use Severity::{High, Low, Medium};

/// The list, sorted by protocol and port: every port of Inspector's documented list
/// (`INSPECTOR` in the tests checks it) plus kensa's extra services (SMTP, DNS, POP3,
/// IMAP, SNMP, databases, caches, search and message brokers, VNC, WinRM). Existing
/// entries keep their ranges so finding ids stay stable; where Inspector lists a port
/// under a second name (TCP/UDP 111 is both RPC and NFS) the first entry names it.
pub const RECOGNIZED: &[RecognizedPort] = &[
    p("FTP", TCP, 20, 21, High),
    p("SSH", TCP, 22, 22, High),
    p("Telnet", TCP, 23, 23, High),
    p("SMTP", TCP, 25, 25, Medium),
    p("WINS", TCP, 42, 42, High),
    p("DNS", TCP, 53, 53, Medium),
    p("DHCP", TCP, 67, 68, Medium),
    p("HTTP", TCP, 80, 80, Low),
    p("Kerberos", TCP, 88, 88, High),
    p("POP3", TCP, 110, 110, Medium),
    p("RPC", TCP, 111, 111, High),
    p("MSRPC", TCP, 135, 135, High),
    p("NetBIOS", TCP, 137, 139, High),
    p("IMAP", TCP, 143, 143, Medium),
    p("LDAP", TCP, 389, 389, High),
    p("HTTPS", TCP, 443, 443, Low),
    p("SMB", TCP, 445, 445, High),
    p("Kerberos", TCP, 464, 464, High),
    p("Syslog", TCP, 514, 514, Medium),
    p("Print service", TCP, 515, 515, Medium),
    p("RPC", TCP, 530, 530, High),
    p("Kerberos", TCP, 543, 544, High),
    p("DHCPv6", TCP, 546, 547, Medium),
    p("Syslog", TCP, 601, 601, Medium),
    p("LDAP SSL", TCP, 636, 636, High),
    p("Kerberos", TCP, 749, 749, High),
    p("Kerberos", TCP, 751, 751, High),
    p("IMAPS", TCP, 993, 993, Medium),
    p("POP3S", TCP, 995, 995, Medium),
    p("NFS", TCP, 1110, 1110, High),
    p("SQL Server", TCP, 1433, 1434, High),
    p("WINS", TCP, 1512, 1512, High),
    p("Oracle", TCP, 1521, 1521, High),
    p("Oracle", TCP, 1630, 1630, High),
    p("NFS", TCP, 2049, 2049, High),
    p("Global catalog LDAP", TCP, 3268, 3268, High),
    p("Global catalog LDAP SSL", TCP, 3269, 3269, High),
    p("MySQL", TCP, 3306, 3306, High),
    p("RDP", TCP, 3389, 3389, High),
    p("NFS", TCP, 4045, 4045, High),
    p("PostgreSQL", TCP, 5432, 5432, High),
    p("Kibana", TCP, 5601, 5601, Medium),
    p("VNC", TCP, 5800, 5800, High),
    p("VNC", TCP, 5900, 5900, High),
    p("WinRM", TCP, 5985, 5986, High),
    p("Redis", TCP, 6379, 6379, High),
    p("Cassandra", TCP, 7000, 7001, High),
    p("Kafka", TCP, 9092, 9092, High),
    p("Cassandra", TCP, 9042, 9042, High),
    p("Cassandra", TCP, 9160, 9160, High),
    p("Elasticsearch", TCP, 9200, 9200, High),
    p("Elasticsearch", TCP, 9300, 9300, High),
    p("Memcached", TCP, 11211, 11211, High),
    p("MongoDB", TCP, 27017, 27019, High),
    p("MongoDB", TCP, 28017, 28017, High),
    p("FTP", UDP, 21, 21, High),
    p("SSH", UDP, 22, 22, High),
    p("Telnet", UDP, 23, 23, High),
    p("WINS", UDP, 42, 42, High),
    p("DNS", UDP, 53, 53, Medium),
    p("DHCP", UDP, 67, 68, Medium),
    p("HTTP", UDP, 80, 80, Low),
    p("Kerberos", UDP, 88, 88, High),
    p("RPC", UDP, 111, 111, High),
    p("MSRPC", UDP, 135, 135, High),
    p("NetBIOS", UDP, 137, 138, High),
    p("SNMP", UDP, 161, 161, Medium),
    p("LDAP", UDP, 389, 389, High),
    p("HTTPS", UDP, 443, 443, Low),
    p("SMB", UDP, 445, 445, High),
    p("Kerberos", UDP, 464, 464, High),
    p("Syslog", UDP, 514, 514, Medium),
    p("RPC", UDP, 530, 530, High),
    p("DHCPv6", UDP, 546, 547, Medium),
    p("Kerberos", UDP, 749, 752, High),
    p("NFS", UDP, 1110, 1110, High),
    p("SQL Server", UDP, 1434, 1434, High),
    p("WINS", UDP, 1512, 1512, High),
    p("NFS", UDP, 2049, 2049, High),
    p("RDP", UDP, 3389, 3389, High),
    p("NFS", UDP, 4045, 4045, High),
    p("Memcached", UDP, 11211, 11211, High),
];

/// The severity of an exposure of `port` from a source class (`internet` or not).
pub fn severity_for(port: &RecognizedPort, internet: bool) -> Severity {
    if internet {
        return port.severity;
    }
    match port.severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        _ => Severity::Low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_well_formed() {
        for r in RECOGNIZED {
            assert!(r.ports.from <= r.ports.to, "{}", r.service);
            assert!(r.protocol == TCP || r.protocol == UDP);
        }
        assert!(RECOGNIZED
            .iter()
            .any(|r| r.service == "SSH" && r.ports.from == 22));
        assert!(RECOGNIZED
            .iter()
            .any(|r| r.service == "RDP" && r.ports.from == 3389));
        let ssh = RECOGNIZED.iter().find(|r| r.service == "SSH").unwrap();
        assert_eq!(severity_for(ssh, false), Severity::Medium);
    }

    /// Inspector Classic's documented list (service, TCP ports, UDP ports).
    const INSPECTOR: &[(&str, &[u16], &[u16])] = &[
        ("SMB", &[445], &[445]),
        ("NetBIOS", &[137, 139], &[137, 138]),
        ("LDAP", &[389], &[389]),
        ("LDAP over TLS", &[636], &[]),
        ("Global catalog LDAP", &[3268], &[]),
        ("Global catalog LDAP over TLS", &[3269], &[]),
        ("NFS", &[111, 2049, 4045, 1110], &[111, 2049, 4045, 1110]),
        (
            "Kerberos",
            &[88, 464, 543, 544, 749, 751],
            &[88, 464, 749, 750, 751, 752],
        ),
        ("RPC", &[111, 135, 530], &[111, 135, 530]),
        ("WINS", &[1512, 42], &[1512, 42]),
        ("DHCP", &[67, 68, 546, 547], &[67, 68, 546, 547]),
        ("Syslog", &[601], &[514]),
        ("Print services", &[515], &[]),
        ("Telnet", &[23], &[23]),
        ("FTP", &[21], &[21]),
        ("SSH", &[22], &[22]),
        ("RDP", &[3389], &[3389]),
        ("MongoDB", &[27017, 27018, 27019, 28017], &[]),
        ("SQL Server", &[1433], &[1434]),
        ("MySQL", &[3306], &[]),
        ("PostgreSQL", &[5432], &[]),
        ("Oracle", &[1521, 1630], &[]),
        ("Elasticsearch", &[9300, 9200], &[]),
        ("HTTP", &[80], &[80]),
        ("HTTPS", &[443], &[443]),
    ];

    #[test]
    fn every_inspector_port_is_recognised() {
        for (service, tcp, udp) in INSPECTOR {
            for (proto, ports) in [(TCP, *tcp), (UDP, *udp)] {
                for port in ports {
                    let hit = RECOGNIZED
                        .iter()
                        .any(|r| r.protocol == proto && r.ports.contains(*port));
                    assert!(hit, "{service} {proto}/{port} missing");
                }
            }
        }
    }
}
