//! `gongkai`: the one binary. Parses the command line (`cli.rs`), reads the
//! settings in layers (`config.rs`: defaults, `gongkai.toml`, `GONGKAI__…`,
//! flags) and hands each subcommand to its module in `commands/`, which
//! calls `gongkai-app` (or, for `serve`, starts `gongkai-web`).
//!
//! May depend on: every crate of ours; the only one that knows the command
//! line, the configuration file and the process (signals, exit codes).

mod cli;
mod commands;
mod config;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // One TLS provider for SMTP and the robots' HTTPS; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("错误：无法启动：{err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("错误：{err:#}");
            ExitCode::FAILURE
        }
    }
}
