//! ASFF documents (kensa-report's JSON encoding) as the SDK's `AwsSecurityFinding`.
//!
//! kensa writes ASFF once, in kensa-report; this only carries that JSON into the SDK's
//! types, field by field. A field it does not know is an error rather than something
//! silently dropped, so the encoder cannot grow a field that never reaches Security Hub
//! (the tests convert every finding of the demo account).
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, FindingProviderFields,
    FindingProviderSeverity, Recommendation, RecordState, Remediation, Resource, Severity,
    SeverityLabel, Workflow, WorkflowStatus,
};
use serde_json::{Map, Value};

/// Why an ASFF document could not be carried into the SDK's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ASFF finding {id}: {message}")]
pub struct AsffError {
    /// The document's `Id` (empty when it has none).
    pub id: String,
    /// What is wrong, naming the field.
    pub message: String,
}

/// The SDK's finding for one ASFF document.
pub fn to_sdk(doc: &Value) -> Result<AwsSecurityFinding, AsffError> {
    let id = doc.get("Id").and_then(Value::as_str).unwrap_or_default();
    let err = |message: String| AsffError {
        id: id.to_string(),
        message,
    };
    let obj = doc
        .as_object()
        .ok_or_else(|| err("not a JSON object".into()))?;
    let mut b = AwsSecurityFinding::builder();
    for (key, value) in obj {
        let field = Field { key, value };
        b = match key.as_str() {
            "SchemaVersion" => b.schema_version(field.text().map_err(err)?),
            "Id" => b.id(field.text().map_err(err)?),
            "ProductArn" => b.product_arn(field.text().map_err(err)?),
            "ProductName" => b.product_name(field.text().map_err(err)?),
            "CompanyName" => b.company_name(field.text().map_err(err)?),
            "GeneratorId" => b.generator_id(field.text().map_err(err)?),
            "AwsAccountId" => b.aws_account_id(field.text().map_err(err)?),
            "CreatedAt" => b.created_at(field.text().map_err(err)?),
            "UpdatedAt" => b.updated_at(field.text().map_err(err)?),
            "Title" => b.title(field.text().map_err(err)?),
            "Description" => b.description(field.text().map_err(err)?),
            "Types" => field
                .texts()
                .map_err(err)?
                .into_iter()
                .fold(b, |b, t| b.types(t)),
            "Severity" => b.severity(severity(&field).map_err(err)?),
            "Resources" => {
                let items = field.array().map_err(err)?;
                let mut b = b;
                for (i, r) in items.iter().enumerate() {
                    b = b.resources(resource(r).map_err(|m| err(format!("Resources[{i}]: {m}")))?);
                }
                b
            }
            "ProductFields" => field
                .map()
                .map_err(err)?
                .into_iter()
                .fold(b, |b, (k, v)| b.product_fields(k, v)),
            "UserDefinedFields" => field
                .map()
                .map_err(err)?
                .into_iter()
                .fold(b, |b, (k, v)| b.user_defined_fields(k, v)),
            "RecordState" => b.record_state(RecordState::from(field.text().map_err(err)?.as_str())),
            "Workflow" => {
                let o = field.object().map_err(err)?;
                let status = Field::of(o, "Status").text().map_err(err)?;
                b.workflow(
                    Workflow::builder()
                        .status(WorkflowStatus::from(status.as_str()))
                        .build(),
                )
            }
            "FindingProviderFields" => {
                b.finding_provider_fields(provider_fields(&field).map_err(err)?)
            }
            "Remediation" => b.remediation(remediation(&field).map_err(err)?),
            "Compliance" => b.compliance(compliance(&field).map_err(err)?),
            other => {
                return Err(err(format!(
                    "field `{other}` is not carried to Security Hub"
                )))
            }
        };
    }
    Ok(b.build())
}

/// One named JSON value, whose errors name it.
struct Field<'a> {
    key: &'a str,
    value: &'a Value,
}

impl<'a> Field<'a> {
    fn of(obj: &'a Map<String, Value>, key: &'a str) -> Field<'a> {
        Field {
            key,
            value: obj.get(key).unwrap_or(&Value::Null),
        }
    }

    fn text(&self) -> Result<String, String> {
        self.value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("`{}` is not a string", self.key))
    }

    fn array(&self) -> Result<&'a Vec<Value>, String> {
        self.value
            .as_array()
            .ok_or_else(|| format!("`{}` is not an array", self.key))
    }

    fn object(&self) -> Result<&'a Map<String, Value>, String> {
        self.value
            .as_object()
            .ok_or_else(|| format!("`{}` is not an object", self.key))
    }

    fn texts(&self) -> Result<Vec<String>, String> {
        self.array()?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("`{}` holds a value that is not a string", self.key))
            })
            .collect()
    }

    /// A map of strings (ASFF's ProductFields, UserDefinedFields, Tags).
    fn map(&self) -> Result<Vec<(String, String)>, String> {
        self.object()?
            .iter()
            .map(|(k, v)| {
                v.as_str()
                    .map(|v| (k.clone(), v.to_string()))
                    .ok_or_else(|| format!("`{}.{k}` is not a string", self.key))
            })
            .collect()
    }
}

fn severity(field: &Field) -> Result<Severity, String> {
    let o = field.object()?;
    let mut b =
        Severity::builder().label(SeverityLabel::from(Field::of(o, "Label").text()?.as_str()));
    if o.contains_key("Original") {
        b = b.original(Field::of(o, "Original").text()?);
    }
    Ok(b.build())
}

fn resource(r: &Value) -> Result<Resource, String> {
    let o = r.as_object().ok_or("not an object")?;
    let mut b = Resource::builder()
        .r#type(Field::of(o, "Type").text()?)
        .id(Field::of(o, "Id").text()?);
    for (key, _) in o {
        let field = Field::of(o, key);
        b = match key.as_str() {
            "Type" | "Id" => b,
            "Partition" => b.partition(field.text()?.as_str().into()),
            "Region" => b.region(field.text()?),
            "Tags" => field.map()?.into_iter().fold(b, |b, (k, v)| b.tags(k, v)),
            other => return Err(format!("field `{other}` is not carried to Security Hub")),
        };
    }
    Ok(b.build())
}

fn provider_fields(field: &Field) -> Result<FindingProviderFields, String> {
    let o = field.object()?;
    let mut b = FindingProviderFields::builder();
    if let Some(s) = o.get("Severity").and_then(Value::as_object) {
        let mut sev = FindingProviderSeverity::builder()
            .label(SeverityLabel::from(Field::of(s, "Label").text()?.as_str()));
        if s.contains_key("Original") {
            sev = sev.original(Field::of(s, "Original").text()?);
        }
        b = b.severity(sev.build());
    }
    if o.contains_key("Types") {
        b = Field::of(o, "Types")
            .texts()?
            .into_iter()
            .fold(b, |b, t| b.types(t));
    }
    Ok(b.build())
}

fn remediation(field: &Field) -> Result<Remediation, String> {
    let o = field.object()?;
    let rec = Field::of(o, "Recommendation").object()?;
    let mut r = Recommendation::builder();
    if rec.contains_key("Text") {
        r = r.text(Field::of(rec, "Text").text()?);
    }
    if rec.contains_key("Url") {
        r = r.url(Field::of(rec, "Url").text()?);
    }
    Ok(Remediation::builder().recommendation(r.build()).build())
}

fn compliance(field: &Field) -> Result<Compliance, String> {
    let o = field.object()?;
    let mut b = Compliance::builder();
    if o.contains_key("Status") {
        b = b.status(ComplianceStatus::from(
            Field::of(o, "Status").text()?.as_str(),
        ));
    }
    if o.contains_key("RelatedRequirements") {
        b = Field::of(o, "RelatedRequirements")
            .texts()?
            .into_iter()
            .fold(b, |b, t| b.related_requirements(t));
    }
    if o.contains_key("SecurityControlId") {
        b = b.security_control_id(Field::of(o, "SecurityControlId").text()?);
    }
    Ok(b.build())
}
