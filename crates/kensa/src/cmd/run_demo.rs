//! The built-in demo target and template behind `kensa run start --demo` with no template
//! named, so a stored run of the bundled demo account is one command. Both are created in
//! the store the first time and reused after (a second run resolves and diffs against the
//! first); one of the same name that says something else is never changed or used.
use kensa_model::{demo, Package};
use kensa_store::{NewTarget, NewTemplate, StoreError, Target, Template};

use super::store_common::Db;

/// The name of the built-in target and of the built-in template.
pub const NAME: &str = "demo";

/// The built-in template's packages: everything a snapshot of AWS API outputs can be
/// assessed for. `cve` is left out: the demo account holds no host package inventory,
/// so it could only report every instance as not assessed.
const PACKAGES: [Package; 2] = [Package::NetworkReachability, Package::Config];

/// The framework of the `config` package: the store's default.
const FRAMEWORK: &str = "fsbp";

/// The demo template, created (with its target) on first use.
pub fn template(db: &Db) -> anyhow::Result<Template> {
    let target = ensure(
        db.call(db.store.target(NAME)),
        || db.call(db.store.create_target(&new_target())),
        || db.call(db.store.target(NAME)),
    )?;
    if !is_demo_target(&target) {
        anyhow::bail!(
            "a target named `{NAME}` already exists and is not the demo account's \
             (accounts {:?}, regions {:?}, tags {}); name a template: kensa run start TEMPLATE --demo",
            target.accounts,
            target.regions,
            target.tags.len()
        );
    }
    let template = ensure(
        db.call(db.store.template(NAME)),
        || db.call(db.store.create_template(&new_template())),
        || db.call(db.store.template(NAME)),
    )?;
    if !is_demo_template(&template) {
        anyhow::bail!(
            "a template named `{NAME}` already exists and is not the built-in demo template \
             (target `{}`, packages {:?}, framework {:?}); name a template: kensa run start TEMPLATE --demo",
            template.target,
            template.packages,
            template.framework
        );
    }
    Ok(template)
}

/// The object `found`, else the one `create` makes; when another process created it in
/// between (`Exists`), the one `reread` finds.
fn ensure<T>(
    found: Result<T, StoreError>,
    create: impl FnOnce() -> Result<T, StoreError>,
    reread: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    match found {
        Err(StoreError::NotFound { .. }) => match create() {
            Err(StoreError::Exists { .. }) => reread(),
            other => other,
        },
        other => other,
    }
}

fn new_target() -> NewTarget {
    NewTarget {
        name: NAME.into(),
        accounts: vec![demo::ACCOUNT.into()],
        regions: vec![demo::REGION.into()],
        tags: Vec::new(),
    }
}

fn new_template() -> NewTemplate {
    NewTemplate {
        name: NAME.into(),
        target: NAME.into(),
        packages: PACKAGES.iter().map(|p| p.as_str().to_string()).collect(),
        framework: Some(FRAMEWORK.into()),
        ..NewTemplate::default()
    }
}

fn is_demo_target(t: &Target) -> bool {
    t.accounts == [demo::ACCOUNT] && t.regions == [demo::REGION] && t.tags.is_empty()
}

fn is_demo_template(t: &Template) -> bool {
    let mut packages = PACKAGES.to_vec();
    packages.sort();
    t.target == NAME
        && t.packages == packages
        && t.framework.as_deref() == Some(FRAMEWORK)
        && t.user_attributes.is_empty()
        && t.subscriptions.is_empty()
}
