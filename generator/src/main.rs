//! `onset-gen`: writes a simulated incident's logs and ground truth.
//!
//! ```text
//! onset-gen --preset sample sample-logs/
//! onset-gen --preset haproxy-json-mysql --seed 7 /tmp/run
//! onset-gen --size 1GB /tmp/big
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use onset_gen::{generate, measure, Scenario, Span, PRESETS};

/// Generate realistic logs of a small web stack during an incident, with a
/// GROUND_TRUTH.json computed from the simulated events.
#[derive(Parser, Debug)]
#[command(name = "onset-gen", version, about, long_about = None)]
struct Args {
    /// Output directory (created if missing).
    #[arg(required_unless_present_any = ["list_presets", "print_scenario"])]
    out_dir: Option<PathBuf>,

    /// Scenario preset (see --list-presets).
    #[arg(long, short, default_value = "sample")]
    preset: String,

    /// Read the scenario from a JSON file instead of a preset.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,

    /// Seed of every random draw (same seed, same bytes).
    #[arg(long)]
    seed: Option<u64>,

    /// Approximate total output size, e.g. 1GB, 300MB, 5e8: scales the
    /// deployment (traffic, users, workers, database) to reach it.
    #[arg(long, value_name = "BYTES", conflicts_with = "scale")]
    size: Option<String>,

    /// Run length: minutes (`90`) or a duration (`1h30m`, `45s`).
    #[arg(long, value_name = "MIN")]
    duration: Option<String>,

    /// Page views per second from real users (each is 1-4 requests).
    #[arg(long, value_name = "PER_S")]
    rate: Option<f64>,

    /// Size of the deployment (1 = the preset's).
    #[arg(long)]
    scale: Option<f64>,

    /// A log file written by a machine whose clock runs SECONDS ahead
    /// (negative: behind), e.g. `app.log=45`. Repeatable.
    #[arg(long, value_name = "FILE=SECONDS")]
    skew: Vec<String>,

    /// A log file written by a machine in another zone, e.g.
    /// `app.log=Europe/Berlin` (its zone-less times are that zone's wall time). Repeatable.
    #[arg(long = "file-zone", value_name = "FILE=ZONE")]
    file_zone: Vec<String>,

    /// List the presets and exit.
    #[arg(long)]
    list_presets: bool,

    /// Print the scenario as JSON and exit.
    #[arg(long)]
    print_scenario: bool,
}

fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let (num, mult) = [
        ("GIB", 1u64 << 30),
        ("MIB", 1 << 20),
        ("KIB", 1 << 10),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1_000),
        ("G", 1 << 30),
        ("M", 1 << 20),
        ("K", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suffix, m)| t.strip_suffix(suffix).map(|n| (n.trim().to_string(), *m)))
    .unwrap_or((t.clone(), 1));
    let v: f64 = num.parse().map_err(|_| format!("invalid size {text:?}"))?;
    if v.is_nan() || v <= 0.0 {
        return Err(format!("invalid size {text:?}"));
    }
    Ok((v * mult as f64) as u64)
}

fn parse_duration(text: &str) -> Result<Span, String> {
    if let Ok(m) = text.trim().parse::<f64>() {
        return Ok(Span::from_secs_f64(m * 60.0));
    }
    text.parse::<Span>().map_err(|e| e.to_string())
}

/// Total bytes a scenario writes (without writing them).
fn bytes_of(sc: &Scenario) -> Result<f64, String> {
    let t = measure(sc).map_err(|e| e.to_string())?;
    Ok(t.files.values().sum::<u64>().max(1) as f64)
}

/// The scale at which `sc` writes at least `target` bytes. Output grows a
/// little less than linearly with the scale (the incident's share shrinks),
/// so the first estimate is refined on a run at a quarter of it.
fn scale_for(sc: &Scenario, target: u64) -> Result<f64, String> {
    let target = target as f64;
    let base = sc.scale;
    let mut k = base * target / bytes_of(sc)?;
    if k > 4.0 * base {
        let probe = Scenario {
            scale: k / 4.0,
            ..sc.clone()
        };
        k = probe.scale * target / bytes_of(&probe)?;
    }
    Ok((k * 1.08).max(0.01))
}

fn run(args: Args) -> Result<ExitCode, String> {
    if args.list_presets {
        for (name, about) in PRESETS {
            println!("{name:20} {about}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut sc = match &args.scenario {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str::<Scenario>(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Scenario::preset(&args.preset)
            .ok_or_else(|| format!("unknown preset {:?} (see --list-presets)", args.preset))?,
    };
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    if let Some(d) = &args.duration {
        sc.duration = parse_duration(d)?;
    }
    if let Some(r) = args.rate {
        sc.traffic.page_views_per_s = r;
    }
    if let Some(k) = args.scale {
        sc.scale = k;
    }
    for s in &args.skew {
        let (file, secs) = s
            .split_once('=')
            .ok_or_else(|| format!("--skew wants FILE=SECONDS, got {s:?}"))?;
        let secs: f64 = secs
            .parse()
            .map_err(|_| format!("--skew: invalid seconds in {s:?}"))?;
        sc.machines
            .entry(file.to_string())
            .or_default()
            .skew_seconds = secs;
    }
    for z in &args.file_zone {
        let (file, zone) = z
            .split_once('=')
            .ok_or_else(|| format!("--file-zone wants FILE=ZONE, got {z:?}"))?;
        sc.machines.entry(file.to_string()).or_default().zone = Some(zone.to_string());
    }
    if let Some(size) = &args.size {
        sc.scale = scale_for(&sc, parse_size(size)?)?;
    }
    if args.print_scenario {
        let json = serde_json::to_string_pretty(&sc).map_err(|e| e.to_string())?;
        println!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let Some(dir) = args.out_dir else {
        return Err("missing OUT_DIR".to_string());
    };
    let started = Instant::now();
    let truth = generate(&sc, &dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let secs = started.elapsed().as_secs_f64();
    let total: u64 = truth.files.values().sum();
    for (name, bytes) in &truth.files {
        println!("{:>14} {}", bytes, dir.join(name).display());
    }
    println!(
        "{} bytes in {:.2} s ({:.1} MB/s); scenario {} (seed {}, scale {:.3}); {} requests, {} 5xx",
        total,
        secs,
        total as f64 / 1e6 / secs.max(1e-9),
        sc.name,
        sc.seed,
        sc.scale,
        truth.totals.requests,
        truth.totals.status_5xx
    );
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("onset-gen: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("300mb"), Ok(300_000_000));
        assert_eq!(parse_size("5e8"), Ok(500_000_000));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1GB").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Span::mins(90)));
        assert_eq!(parse_duration("1h30m"), Ok(Span::mins(90)));
        assert_eq!(parse_duration("45s"), Ok(Span::secs(45)));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn cli_parses() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let a = Args::try_parse_from([
            "onset-gen",
            "--preset",
            "quiet",
            "--seed",
            "3",
            "--size",
            "1GB",
            "out",
        ]);
        assert!(a.is_ok_and(|a| a.seed == Some(3) && a.size.as_deref() == Some("1GB")));
        assert!(
            Args::try_parse_from(["onset-gen", "--size", "1GB", "--scale", "2", "out"]).is_err()
        );
        assert!(Args::try_parse_from(["onset-gen"]).is_err());
    }
}
