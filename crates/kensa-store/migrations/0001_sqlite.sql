-- Templates are immutable, as Inspector's were: create a new one instead.
CREATE TRIGGER templates_immutable BEFORE UPDATE ON templates
BEGIN
    SELECT RAISE(ABORT, 'templates are immutable');
END;
