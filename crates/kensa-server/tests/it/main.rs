//! kensa-server's integration tests: a real server on 127.0.0.1 over a temporary
//! SQLite store, called over HTTP. One module per area (`api_*`: the API and its
//! security; `dash_*`: the dashboard; `jobs_*`: schedules and workers).
mod api_e2e;
mod api_matrix;
mod api_remediation;
mod api_reports;
mod api_schemathesis;
mod api_tls;
mod common;
mod dash_admin;
mod dash_browser;
mod dash_cdp;
mod dash_client;
mod dash_pages;
mod dash_paging;
mod dash_remediation;
mod dash_watch;
mod jobs_queue;
mod jobs_support;
mod jobs_workers;
