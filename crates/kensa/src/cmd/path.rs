//! `kensa path`: can a packet get from A to B, hop by hop (VPC Reachability Analyzer style).
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use kensa_model::block_code::BlockCode;
use kensa_model::Completeness;
use kensa_net::path::{query, BlockedAt, Endpoint, PathAnswer, PathError, Verdict};
use serde::Serialize;

use super::output::InputArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PathFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot directory (`aws_configs/<region>/*.json`).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Query the bundled demo account.
    #[arg(long)]
    pub demo: bool,
    /// Source: `internet`, `on-premises`, an IP address or CIDR (its first address), an
    /// instance id, an ENI id, or a component: `igw-…`, `pcx-…` (the VPC on either
    /// side), `tgw-…`/`tgw-attach-…` (what is behind them), `vgw-…`, `vpn-…`, a Direct
    /// Connect gateway id (the on-premises network behind it), `vpce-…` (an interface
    /// endpoint's interfaces), `nat-…`. Loopback, multicast, broadcast, unspecified,
    /// link-local and reserved addresses are refused; with --to a load balancer,
    /// `internet` or a public address.
    #[arg(long)]
    pub from: String,
    /// Destination: anything --from accepts (`internet` or `igw-…`: egress from an
    /// instance), a load balancer name/ARN (then --port is the listener port),
    /// `vpce-…` of a gateway endpoint (its service's prefix list) or of a Gateway Load
    /// Balancer endpoint (indeterminate: kensa does not evaluate it).
    #[arg(long)]
    pub to: String,
    /// tcp, udp, icmp, icmpv6 or all (IP protocol 0: only all-traffic rules admit it).
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Destination port (for ICMP: type*256+code; default echo request).
    #[arg(long)]
    pub port: Option<u16>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: PathFormat,
    /// Write the answer to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when the verdict is this one (`reachable` to gate on "must not
    /// be reachable", `blocked` on "must stay reachable").
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub fail_on: Option<FailOn>,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Reachable,
    Blocked,
}

/// The JSON answer: the verdict and hops, and what the input lacked (an answer computed
/// on incomplete input is never a clean one).
#[derive(Serialize)]
struct JsonAnswer<'a> {
    #[serde(flatten)]
    answer: &'a PathAnswer,
    completeness: &'a Completeness,
    warnings: &'a [kensa_model::Warning],
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let snap = super::scan::load_with(
        args.snapshot.as_ref(),
        args.demo,
        &args.input.load_options(),
    )?;
    let from: Endpoint = args.from.parse()?;
    let to: Endpoint = args.to.parse()?;
    // What could not be loaded is said first, as `scan` and `compliance` do: the answer
    // below may depend on it.
    super::output::print_warnings(&snap.warnings);
    let answer = match query(&snap, &from, &to, &args.protocol, args.port) {
        // The endpoint may be in the part of the input that could not be read: say so
        // instead of asserting that it does not exist.
        Err(PathError::UnknownEndpoint(id)) if !snap.completeness.complete => {
            not_loaded(&id, &snap.completeness)
        }
        other => unsure_if_lost(other?, &snap.completeness),
    };
    let rendered = match args.format {
        PathFormat::Json => {
            let json = JsonAnswer {
                answer: &answer,
                completeness: &snap.completeness,
                warnings: &snap.warnings,
            };
            format!("{}\n", serde_json::to_string_pretty(&json)?)
        }
        PathFormat::Text => text(&answer),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => crate::out!("{rendered}")?,
    }
    let failed = matches!(
        (args.fail_on, &answer.verdict),
        (Some(FailOn::Reachable), Verdict::Reachable) | (Some(FailOn::Blocked), Verdict::Blocked)
    );
    Ok(super::output::exit_status(
        failed,
        Some(&snap.completeness),
        args.input.allow_incomplete,
    ))
}

/// A packet blocked at a component of a kind whose records were partly rejected on load:
/// the component that applies may be among them (a subnet's explicit route table lost
/// leaves its VPC's main table in its place), so the block is indeterminate, with why.
fn unsure_if_lost(mut answer: PathAnswer, completeness: &Completeness) -> PathAnswer {
    use kensa_model::ResourceType;
    let Some(at) = answer.blocked_at.as_mut() else {
        return answer;
    };
    if answer.verdict != Verdict::Blocked {
        return answer;
    }
    // The kinds whose lost records could have decided this hop otherwise.
    let kinds: &[ResourceType] = match at.component_type.as_str() {
        "AWS::EC2::RouteTable" => &[ResourceType::RouteTable],
        "AWS::EC2::NetworkAcl" => &[ResourceType::NetworkAcl],
        "AWS::EC2::SecurityGroup" => &[ResourceType::SecurityGroupRule],
        "AWS::EC2::Subnet" => &[ResourceType::Subnet, ResourceType::RouteTable],
        _ => &[],
    };
    let Some((kind, lost)) =
        (kinds.iter()).find_map(|k| completeness.partial.get(k).map(|n| (k, n)))
    else {
        return answer;
    };
    at.reason = Some(format!(
        "{} blocks here ({}), but {lost} {} record(s) could not be read (see the input \
         warnings): the one that applies may be among them",
        at.component_id,
        at.code,
        kind.human_name()
    ));
    at.code = BlockCode::ComponentNotInSnapshot;
    answer.verdict = Verdict::Indeterminate;
    answer
}

/// The answer about an endpoint that is not in an incomplete snapshot: indeterminate, with
/// what could not be read as the reason.
fn not_loaded(id: &str, completeness: &Completeness) -> PathAnswer {
    let reason = format!(
        "`{id}` is not in what was loaded ({completeness}): it may be in what could not be \
         read"
    );
    PathAnswer {
        verdict: Verdict::Indeterminate,
        path: Vec::new(),
        blocked_at: Some(BlockedAt {
            component_id: id.to_string(),
            component_type: "unknown".to_string(),
            code: BlockCode::ComponentNotInSnapshot,
            reason: Some(reason),
        }),
        source: None,
        destination: None,
    }
}

fn text(a: &PathAnswer) -> String {
    let mut s = format!(
        "{}{}\n",
        match a.verdict {
            Verdict::Reachable => "reachable",
            Verdict::Blocked => "blocked",
            Verdict::Indeterminate => "indeterminate",
        },
        match (&a.source, &a.destination) {
            (Some(src), Some(dst)) => format!(" ({src} -> {dst})"),
            _ => String::new(),
        }
    );
    for (i, h) in a.path.iter().enumerate() {
        s.push_str(&format!(
            "  {:>2}. {:<40} {}\n",
            i + 1,
            h.component_id,
            h.component_type
        ));
    }
    if let Some(b) = &a.blocked_at {
        let at = if a.verdict == Verdict::Indeterminate {
            "cannot tell past"
        } else {
            "blocked at"
        };
        s.push_str(&format!(
            "  {at} {} ({}): {}\n",
            b.component_id, b.component_type, b.code
        ));
        if let Some(r) = &b.reason {
            s.push_str(&format!("  reason: {r}\n"));
        }
    }
    s
}
