//! Dangling-reference checks for load balancers and cross-VPC connectivity.
use super::validate::Checker;

impl Checker<'_> {
    pub(super) fn load_balancers(&mut self) {
        let s = self.snap;
        for lb in s.load_balancers.values() {
            let id = &lb.load_balancer_arn;
            for (i, az) in lb.availability_zones.iter().enumerate() {
                let sub = az.subnet_id.as_deref().unwrap_or_default();
                let field = format!("AvailabilityZones[{i}].SubnetId");
                self.check(s.subnets.contains_key(sub), id, &field, "subnet", sub);
            }
            for (i, sg) in lb.security_groups.iter().enumerate() {
                let field = format!("SecurityGroups[{i}]");
                let ok = s.security_groups.contains_key(sg);
                self.check(ok, id, &field, "security group", sg);
            }
        }
        for l in s.listeners.values() {
            let id = &l.listener_arn;
            let lb = &l.load_balancer_arn;
            let ok = s.load_balancers.contains_key(lb);
            self.check(ok, id, "LoadBalancerArn", "load balancer", lb);
            for (i, action) in l.default_actions.iter().enumerate() {
                for tg in action.target_group_arns() {
                    let field = format!("DefaultActions[{i}].TargetGroupArn");
                    let ok = s.target_groups.contains_key(tg);
                    self.check(ok, id, &field, "target group", tg);
                }
            }
        }
        for tg in s.target_groups.values() {
            let id = &tg.target_group_arn;
            for (i, lb) in tg.load_balancer_arns.iter().enumerate() {
                let field = format!("LoadBalancerArns[{i}]");
                let ok = s.load_balancers.contains_key(lb);
                self.check(ok, id, &field, "load balancer", lb);
            }
            if tg.target_type.as_deref().unwrap_or("instance") != "instance" {
                continue;
            }
            for (i, d) in tg.target_health_descriptions.iter().enumerate() {
                let field = format!("TargetHealthDescriptions[{i}].Target.Id");
                let target = &d.target.id;
                let ok = s.instances.contains_key(target);
                self.check(ok, id, &field, "instance", target);
            }
        }
        for clb in s.classic_load_balancers.values() {
            let id = &clb.load_balancer_name;
            for (i, sub) in clb.subnets.iter().enumerate() {
                let field = format!("Subnets[{i}]");
                self.check(s.subnets.contains_key(sub), id, &field, "subnet", sub);
            }
            for (i, sg) in clb.security_groups.iter().enumerate() {
                let field = format!("SecurityGroups[{i}]");
                let ok = s.security_groups.contains_key(sg);
                self.check(ok, id, &field, "security group", sg);
            }
            for (i, inst) in clb.instances.iter().enumerate() {
                let field = format!("Instances[{i}].InstanceId");
                let target = &inst.instance_id;
                self.check(
                    s.instances.contains_key(target),
                    id,
                    &field,
                    "instance",
                    target,
                );
            }
        }
    }

    pub(super) fn connectivity(&mut self) {
        let s = self.snap;
        for vpn in s.vpn_connections.values() {
            let id = &vpn.vpn_connection_id;
            if let Some(vgw) = &vpn.vpn_gateway_id {
                let ok = s.vpn_gateways.contains_key(vgw);
                self.check(ok, id, "VpnGatewayId", "VPN gateway", vgw);
            }
            if let Some(tgw) = &vpn.transit_gateway_id {
                let ok = s.transit_gateways.contains_key(tgw);
                self.check(ok, id, "TransitGatewayId", "transit gateway", tgw);
            }
            if let Some(cgw) = &vpn.customer_gateway_id {
                let ok = s.customer_gateways.contains_key(cgw);
                self.check(ok, id, "CustomerGatewayId", "customer gateway", cgw);
            }
        }
        for att in s.transit_gateway_attachments.values() {
            let id = &att.transit_gateway_attachment_id;
            if let Some(tgw) = &att.transit_gateway_id {
                let ok = s.transit_gateways.contains_key(tgw);
                self.check(ok, id, "TransitGatewayId", "transit gateway", tgw);
            }
            let rt = att
                .association
                .as_ref()
                .and_then(|a| a.transit_gateway_route_table_id.as_deref())
                .unwrap_or_default();
            let ok = s.transit_gateway_route_tables.contains_key(rt);
            let field = "Association.TransitGatewayRouteTableId";
            self.check(ok, id, field, "transit gateway route table", rt);
            for (i, sub) in att.subnet_ids.iter().enumerate() {
                let field = format!("SubnetIds[{i}]");
                self.check(s.subnets.contains_key(sub), id, &field, "subnet", sub);
            }
        }
        for rt in s.transit_gateway_route_tables.values() {
            if let Some(tgw) = &rt.transit_gateway_id {
                let ok = s.transit_gateways.contains_key(tgw);
                let id = &rt.transit_gateway_route_table_id;
                self.check(ok, id, "TransitGatewayId", "transit gateway", tgw);
            }
        }
    }
}
