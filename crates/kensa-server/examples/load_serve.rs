//! For the load benchmark (scripts/load-bench): `kensa serve` over an existing store,
//! built without the AWS SDK the full CLI carries. Creates a viewer token named
//! `load-bench-N`, prints its secret on the first line of standard output, then serves.
//!
//! ```sh
//! cargo run --release -p kensa-server --example load_serve -- /tmp/bench.db 127.0.0.1:8099
//! ```
use std::net::SocketAddr;

use kensa_server::auth::{token, Role};
use kensa_server::ServerConfig;
use kensa_store::{Location, Store};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let location = Location::parse(&args.next().ok_or("usage: load_serve STORE [ADDR:PORT]")?);
    let bind: SocketAddr = args
        .next()
        .unwrap_or_else(|| "127.0.0.1:8099".into())
        .parse()?;
    let store = Store::open(&location).await?;
    let name = format!("load-bench-{}", std::process::id());
    let (_, secret) = token::create(&store, &name, Role::Viewer).await?;
    println!("{secret}");
    drop(store);
    let mut config = ServerConfig::new(location);
    config.bind = bind;
    kensa_server::serve(config).await?;
    Ok(())
}
