-- Templates are immutable, as Inspector's were: create a new one instead.
CREATE FUNCTION kensa_templates_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'templates are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER templates_immutable BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION kensa_templates_immutable();
