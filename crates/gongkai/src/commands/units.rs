//! `gongkai units`: import the directory from CSV, list it.

use crate::cli::UnitsCommand;
use gongkai_store::{Store, StoreError};
use std::process::ExitCode;

pub async fn run(store: &Store, command: UnitsCommand) -> anyhow::Result<ExitCode> {
    match command {
        UnitsCommand::Import { file, replace } => {
            let bytes = super::read_capped(&file, 16 * 1024 * 1024)?;
            let units = match gongkai_io::units_csv::parse(&bytes) {
                Ok(units) => units,
                Err(err) => {
                    eprintln!("{}：{err}\n未导入任何内容。", file.display());
                    return Ok(ExitCode::FAILURE);
                }
            };
            match store.save_units(&units, replace, &super::cli_actor()).await {
                Ok(count) => println!("已导入 {count} 个单位{}", if replace { "（以文件为准）" } else { "" }),
                Err(StoreError::Conflict { constraint }) => {
                    eprintln!("{constraint}\n未导入任何内容。");
                    return Ok(ExitCode::FAILURE);
                }
                Err(err) => return Err(err.into()),
            }
        }
        UnitsCommand::List { json } => {
            let directory = store.directory().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(directory.units())?);
            } else {
                for unit in directory.units() {
                    let guess = if unit.inferred { "（推定，待核实）" } else { "" };
                    println!("{}｜{}｜{}{}", unit.name, unit.aliases.join(" / "), unit.kind.label(), guess);
                }
                println!("共 {} 个单位", directory.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
