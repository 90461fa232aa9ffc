//! Reading a Network Access Analyzer scope (the `MatchPaths`/`ExcludePaths` JSON of
//! `create-network-insights-access-scope`, or the `NetworkInsightsAccessScopeContent`
//! that `get-network-insights-access-scope-content` prints). Every key is checked: a
//! part kensa does not support is an error naming its JSON path, never ignored.
use serde_json::{Map, Value};

use crate::flow::{TCP, UDP};
use crate::rangeset::{parse_net, AddrSet, RangeSet};

/// A scope statement kensa cannot answer as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ScopeError {
    /// JSON path of the offending part (`$.MatchPaths[0].Source.ResourceStatement`).
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

pub(crate) fn err(path: &str, message: impl Into<String>) -> ScopeError {
    ScopeError {
        path: path.to_string(),
        message: message.into(),
    }
}

/// A resource statement: ids, types, or (kensa's extension) tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceStatement {
    /// JSON path of the statement, for errors and findings.
    pub path: String,
    /// Resource ids or ARNs; any one may match.
    pub resources: Vec<String>,
    /// Resource types (`AWS::EC2::InternetGateway`, …); any one may match.
    pub types: Vec<String>,
    /// `kensa:Tags`: every pair must be on the ENI or its instance.
    pub tags: Vec<(String, String)>,
}

/// The traffic a path statement admits; `None` is "any".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketHeader {
    /// Source CIDRs.
    pub source_addresses: Option<AddrSet>,
    /// Destination CIDRs.
    pub destination_addresses: Option<AddrSet>,
    /// Destination ports and port ranges.
    pub destination_ports: Option<RangeSet<u16>>,
    /// IP protocol numbers; NAA's default is TCP and UDP.
    pub protocols: Vec<u8>,
}

impl Default for PacketHeader {
    fn default() -> Self {
        PacketHeader {
            source_addresses: None,
            destination_addresses: None,
            destination_ports: None,
            protocols: vec![TCP, UDP],
        }
    }
}

/// A `Source` or `Destination` statement: a resource statement (the packet header part is
/// kept apart in [`PathSpec::header`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathStatement {
    /// Which resources this end may be; `None` is any.
    pub resource: Option<ResourceStatement>,
}

/// One `MatchPaths` or `ExcludePaths` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSpec {
    /// `MatchPaths[0]`, for findings and errors.
    pub path: String,
    /// Where matching paths start.
    pub source: PathStatement,
    /// Where matching paths end.
    pub destination: PathStatement,
    /// `ThroughResources`: components every matching path must traverse.
    pub through: Vec<ResourceStatement>,
    /// The Source and Destination packet header statements, intersected.
    pub header: PacketHeader,
}

/// A Network Access Analyzer scope: paths to report, minus paths to leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeSpec {
    /// `MatchPaths`: a path matching any of them is reported...
    pub match_paths: Vec<PathSpec>,
    /// `ExcludePaths`: ...unless it also matches one of these.
    pub exclude_paths: Vec<PathSpec>,
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ScopeError> {
    v.as_object()
        .ok_or_else(|| err(path, "expected a JSON object"))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ScopeError> {
    v.as_array()
        .ok_or_else(|| err(path, "expected a JSON array"))
}

fn strings(v: &Value, path: &str) -> Result<Vec<String>, ScopeError> {
    let items = array(v, path)?;
    if items.is_empty() {
        return Err(err(
            path,
            "an empty list matches nothing; leave the key out for \"any\"",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_str()
                .map(|s| s.trim().to_string())
                .ok_or_else(|| err(&format!("{path}[{i}]"), "expected a string"))
        })
        .collect()
}

/// Refuses keys outside `allowed`, naming the unsupported ones.
fn check_keys(m: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), ScopeError> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(err(
                &format!("{path}.{k}"),
                format!(
                    "`{k}` is not supported here (expected one of {})",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Parses a scope document.
pub fn parse_scope(text: &str) -> Result<ScopeSpec, ScopeError> {
    let v: Value = serde_json::from_str(text).map_err(|e| err("$", format!("not JSON: {e}")))?;
    let root = object(&v, "$")?;
    let (content, base) = match root.get("NetworkInsightsAccessScopeContent") {
        Some(c) => {
            check_keys(root, "$", &["NetworkInsightsAccessScopeContent"])?;
            let p = "$.NetworkInsightsAccessScopeContent";
            (object(c, p)?, p.to_string())
        }
        None => (root, "$".to_string()),
    };
    check_keys(
        content,
        &base,
        &["MatchPaths", "ExcludePaths", "NetworkInsightsAccessScopeId"],
    )?;
    let paths = |key: &str| -> Result<Vec<PathSpec>, ScopeError> {
        let Some(list) = content.get(key) else {
            return Ok(Vec::new());
        };
        let p = format!("{base}.{key}");
        array(list, &p)?
            .iter()
            .enumerate()
            .map(|(i, x)| path_spec(x, &format!("{p}[{i}]"), &format!("{key}[{i}]")))
            .collect()
    };
    let spec = ScopeSpec {
        match_paths: paths("MatchPaths")?,
        exclude_paths: paths("ExcludePaths")?,
    };
    if spec.match_paths.is_empty() {
        return Err(err(
            &base,
            "the scope has no MatchPaths: it would match nothing",
        ));
    }
    Ok(spec)
}

fn path_spec(v: &Value, path: &str, name: &str) -> Result<PathSpec, ScopeError> {
    let m = object(v, path)?;
    check_keys(m, path, &["Source", "Destination", "ThroughResources"])?;
    let mut header = PacketHeader::default();
    let mut end = |key: &str| -> Result<PathStatement, ScopeError> {
        let Some(x) = m.get(key) else {
            return Ok(PathStatement::default());
        };
        let p = format!("{path}.{key}");
        let s = object(x, &p)?;
        check_keys(s, &p, &["ResourceStatement", "PacketHeaderStatement"])?;
        if let Some(h) = s.get("PacketHeaderStatement") {
            packet_header(h, &format!("{p}.PacketHeaderStatement"), &mut header)?;
        }
        let resource = s
            .get("ResourceStatement")
            .map(|r| resource_statement(r, &format!("{p}.ResourceStatement")))
            .transpose()?;
        Ok(PathStatement { resource })
    };
    let source = end("Source")?;
    let destination = end("Destination")?;
    let mut through = Vec::new();
    if let Some(t) = m.get("ThroughResources") {
        let p = format!("{path}.ThroughResources");
        for (i, x) in array(t, &p)?.iter().enumerate() {
            let pi = format!("{p}[{i}]");
            let o = object(x, &pi)?;
            check_keys(o, &pi, &["ResourceStatement"])?;
            let r = o
                .get("ResourceStatement")
                .ok_or_else(|| err(&pi, "a through statement needs a ResourceStatement"))?;
            through.push(resource_statement(r, &format!("{pi}.ResourceStatement"))?);
        }
    }
    Ok(PathSpec {
        path: name.to_string(),
        source,
        destination,
        through,
        header,
    })
}

fn resource_statement(v: &Value, path: &str) -> Result<ResourceStatement, ScopeError> {
    let m = object(v, path)?;
    check_keys(m, path, &["Resources", "ResourceTypes", "kensa:Tags"])?;
    let mut r = ResourceStatement {
        path: path.to_string(),
        ..ResourceStatement::default()
    };
    if let Some(x) = m.get("Resources") {
        r.resources = strings(x, &format!("{path}.Resources"))?;
    }
    if let Some(x) = m.get("ResourceTypes") {
        r.types = strings(x, &format!("{path}.ResourceTypes"))?;
    }
    if let Some(x) = m.get("kensa:Tags") {
        let p = format!("{path}.kensa:Tags");
        let o = object(x, &p)?;
        if o.is_empty() {
            return Err(err(&p, "give at least one tag"));
        }
        for (k, val) in o {
            let val = val
                .as_str()
                .ok_or_else(|| err(&format!("{p}.{k}"), "a tag value must be a string"))?;
            r.tags.push((k.clone(), val.to_string()));
        }
    }
    if !r.resources.is_empty() && !r.types.is_empty() {
        return Err(err(
            path,
            "a resource statement takes Resources or ResourceTypes, not both",
        ));
    }
    if !r.resources.is_empty() && !r.tags.is_empty() {
        return Err(err(
            path,
            "kensa:Tags narrows ResourceTypes; it cannot be combined with Resources",
        ));
    }
    if r.resources.is_empty() && r.types.is_empty() && r.tags.is_empty() {
        return Err(err(
            path,
            "an empty resource statement; give Resources, ResourceTypes or kensa:Tags",
        ));
    }
    Ok(r)
}

fn addresses(v: &Value, path: &str) -> Result<AddrSet, ScopeError> {
    let mut set = AddrSet::empty();
    for (i, s) in strings(v, path)?.iter().enumerate() {
        let net = parse_net(s)
            .or_else(|| s.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
            .ok_or_else(|| {
                err(
                    &format!("{path}[{i}]"),
                    format!("`{s}` is not an IP address or CIDR"),
                )
            })?;
        set = set.union(&AddrSet::from_net(&net));
    }
    Ok(set)
}

fn ports(v: &Value, path: &str) -> Result<RangeSet<u16>, ScopeError> {
    let mut ranges = Vec::new();
    for (i, s) in strings(v, path)?.iter().enumerate() {
        let bad = || {
            err(
                &format!("{path}[{i}]"),
                format!("`{s}` is not a port or a range `from-to` within 0-65535"),
            )
        };
        let (lo, hi) = match s.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u16>(), b.trim().parse::<u16>()),
            None => (s.parse::<u16>(), s.parse::<u16>()),
        };
        let (lo, hi) = (lo.map_err(|_| bad())?, hi.map_err(|_| bad())?);
        if lo > hi {
            return Err(bad());
        }
        ranges.push((lo, hi));
    }
    Ok(RangeSet::from_ranges(ranges))
}

fn narrow<T: Clone>(slot: &mut Option<T>, new: T, both: impl Fn(&T, &T) -> T) {
    *slot = Some(match slot.as_ref() {
        Some(old) => both(old, &new),
        None => new,
    });
}

fn packet_header(v: &Value, path: &str, h: &mut PacketHeader) -> Result<(), ScopeError> {
    let m = object(v, path)?;
    for k in m.keys() {
        let p = format!("{path}.{k}");
        let x = &m[k];
        match k.as_str() {
            "SourceAddresses" => narrow(&mut h.source_addresses, addresses(x, &p)?, AddrSet::intersect),
            "DestinationAddresses" => {
                narrow(&mut h.destination_addresses, addresses(x, &p)?, AddrSet::intersect)
            }
            "DestinationPorts" => narrow(&mut h.destination_ports, ports(x, &p)?, RangeSet::intersect),
            "Protocols" => {
                let mut protos = Vec::new();
                for (i, s) in strings(x, &p)?.iter().enumerate() {
                    protos.push(match s.to_ascii_lowercase().as_str() {
                        "tcp" => TCP,
                        "udp" => UDP,
                        _ => return Err(err(&format!("{p}[{i}]"), format!("`{s}`: Network Access Analyzer's protocols are tcp and udp"))),
                    });
                }
                h.protocols.retain(|p| protos.contains(p));
            }
            "SourcePorts" => return Err(err(&p, "SourcePorts is not supported: kensa treats the client's port as any ephemeral port (1024-65535), as the reply checks do")),
            "SourcePrefixLists" | "DestinationPrefixLists" => return Err(err(&p, format!("{k} is not supported yet; list the prefix list's CIDRs in {}", k.replace("PrefixLists", "Addresses")))),
            _ => return Err(err(&p, format!("`{k}` is not a packet header field (SourceAddresses, DestinationAddresses, DestinationPorts, Protocols)"))),
        }
    }
    if m.is_empty() {
        return Err(err(
            path,
            "an empty packet header statement; leave it out for \"any traffic\"",
        ));
    }
    Ok(())
}
