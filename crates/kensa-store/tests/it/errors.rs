//! A corrupt file and an unreachable server are errors that say what and where.
use kensa_store::{Location, Store, StoreError};

#[tokio::test]
async fn a_corrupt_database_file_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.db");
    let garbage =
        b"this is not a database, it is a text file that happens to be here\n".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let err = Store::open(&Location::File(path.clone()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("not a kensa database or corrupt"), "{text}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file must not be touched"
    );
}

#[tokio::test]
async fn an_unreachable_postgres_is_named() {
    let url = "postgres://kensa:secret@127.0.0.1:9/kensa";
    let err = Store::open(&Location::Postgres(url.into()))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{text}");
    assert!(
        text.contains("postgres://kensa:***@127.0.0.1:9/kensa"),
        "{text}"
    );
    assert!(!text.contains("secret"), "{text}");
}

#[tokio::test]
async fn reopening_a_store_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let loc = Location::File(dir.path().join("nested/dir/store.db"));
    let s = Store::open(&loc).await.unwrap();
    s.create_target(&crate::model::target("t", &[]))
        .await
        .unwrap();
    s.close().await;
    let s = Store::open(&loc).await.unwrap();
    assert_eq!(s.targets().await.unwrap().len(), 1);
}
