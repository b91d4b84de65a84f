//! SARIF 2.1.0, so that CI pipelines can upload `connassist audit-package`
//! results to code-scanning UIs (GitHub, Azure DevOps, GitLab) and see each
//! finding on the line of `bindings_v2.json` that declares the binding.
//! Findings from a live tenant have no file; they carry a logical location
//! (folder / process / binding) instead.

use std::collections::BTreeMap;

use serde_sarif::sarif::{
    ArtifactLocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::finding::{Finding, Severity};
use super::rules::RULES;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s.into()).build()
}

fn multiformat(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_owned())
        .build()
}

fn rules() -> Vec<ReportingDescriptor> {
    RULES
        .iter()
        .map(|r| {
            ReportingDescriptor::builder()
                .id(r.id().to_owned())
                .name(r.id().to_owned())
                .short_description(multiformat(r.summary()))
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(serde_json::json!(level(r.severity())))
                        .build(),
                )
                .build()
        })
        .collect()
}

fn location(f: &Finding) -> Location {
    let logical = LogicalLocation::builder()
        .fully_qualified_name(match &f.binding {
            Some(b) => format!("{}/{}/{b}", f.process.folder_path, f.process.name),
            None => format!("{}/{}", f.process.folder_path, f.process.name),
        })
        .kind("binding".to_owned())
        .build();
    let location = Location::builder().logical_locations(vec![logical]);
    match &f.location {
        None => location.build(),
        Some(l) => {
            let region = Region::builder()
                .start_line(i64::try_from(l.line).unwrap_or(1))
                .start_column(i64::try_from(l.column).unwrap_or(1))
                .build();
            let artifact = ArtifactLocation::builder()
                .uri(l.file.replace('\\', "/"))
                .build();
            location
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact)
                        .region(region)
                        .build(),
                )
                .build()
        }
    }
}

/// The findings as one SARIF log with one run.
pub fn to_sarif(findings: &[Finding]) -> Sarif {
    let rules = rules();
    let results: Vec<SarifResult> = findings
        .iter()
        .map(|f| {
            let mut props = BTreeMap::new();
            props.insert("fix".to_owned(), serde_json::json!(f.fix));
            props.insert("process".to_owned(), serde_json::json!(f.process.name));
            props.insert(
                "folder".to_owned(),
                serde_json::json!(f.process.folder_path),
            );
            let index = rules
                .iter()
                .position(|r| r.id == f.rule)
                .and_then(|i| i64::try_from(i).ok())
                .unwrap_or(-1);
            SarifResult::builder()
                .rule_id(f.rule.clone())
                .rule_index(index)
                .level(level(f.severity))
                .message(text(format!(
                    "{} {} Fix: {}",
                    f.title, f.explanation, f.fix
                )))
                .locations(vec![location(f)])
                .properties(PropertyBag::builder().additional_properties(props).build())
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("connassist".to_owned())
        .full_name("Connections Assistant binding audit".to_owned())
        .semantic_version(env!("CARGO_PKG_VERSION").to_owned())
        .rules(rules)
        .build();
    Sarif::builder()
        .schema(SCHEMA.to_owned())
        .version(serde_json::json!("2.1.0"))
        .runs(vec![
            Run::builder()
                .tool(Tool::builder().driver(driver).build())
                .results(results)
                .build(),
        ])
        .build()
}
