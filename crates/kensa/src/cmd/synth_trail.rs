//! `kensa synth trail`: a synthetic CloudTrail delivery file.
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TrailArgs {
    /// Number of events.
    #[arg(long, default_value_t = 100_000)]
    pub events: u64,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// Compress with gzip.
    #[arg(long)]
    pub gzip: bool,
    /// Random seed (same seed, same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub fn run(a: TrailArgs) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::create(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let file = std::io::BufWriter::with_capacity(1 << 20, file);
    let summary = if a.gzip {
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        let s = kensa_trail::synth::write_trail(a.events, a.seed, &mut gz)?;
        gz.finish()?.flush()?;
        s
    } else {
        let mut file = file;
        let s = kensa_trail::synth::write_trail(a.events, a.seed, &mut file)?;
        file.flush()?;
        s
    };
    eprintln!(
        "wrote {} events ({} bytes of JSON, {} bytes/event, {} event names) to {}",
        summary.events,
        summary.bytes,
        summary.bytes / summary.events.max(1),
        summary.by_name.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
