//! Every host rule, one file each. This list is the only registration: it declares the
//! modules and builds [`RULES`]; the order is the report's.
mod accounts;
mod common;
mod tmp;

macro_rules! register {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every host rule, in registration order.
        pub static RULES: &[&crate::HostRule] = &[$(&$module::RULE),*];
        /// The module (file) name of each rule, in the same order, for the registry test.
        pub static MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

register! {
    sbp_ssh_root_login,
    sbp_ssh_protocol_2,
    sbp_ssh_password_auth,
    sbp_password_max_age,
    sbp_password_min_length,
    sbp_password_complexity,
    sbp_aslr,
    sbp_dep,
    sbp_system_dir_permissions,
    rba_insecure_login_clients,
    rba_insecure_clients,
    rba_unused_listening_ports,
    rba_insecure_server_protocols,
    rba_software_without_dep,
    rba_root_process_insecure_permissions,
    cis_tmp_partition,
    cis_tmp_nodev,
    cis_tmp_nosuid,
    cis_tmp_noexec,
    cis_aslr,
    cis_suid_dumpable,
    cis_ip_forward,
    cis_icmp_redirects,
    cis_tcp_syncookies,
    cis_ssh_hostbased_auth,
    cis_ssh_ignore_rhosts,
    cis_ssh_loglevel,
    cis_ssh_login_grace_time,
    cis_ssh_max_auth_tries,
    cis_ssh_empty_passwords,
    cis_ssh_root_login,
    cis_ssh_user_environment,
    cis_pwquality_minlen,
    cis_pass_max_days,
    cis_pass_min_days,
    cis_pass_warn_age,
    cis_passwd_permissions,
    cis_group_permissions,
    cis_shadow_permissions,
    cis_gshadow_permissions,
    cis_shadowed_passwords,
    cis_shadow_empty_password,
    cis_nis_client,
    cis_rsh_client,
    cis_telnet_client,
    cis_ftp_client,
}
