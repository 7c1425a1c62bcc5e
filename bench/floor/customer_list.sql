-- The customer list: the first page (50) of the customers of one office and
-- one industry, by name then code, with the size of the whole filtered list.
-- bench:args officeCode, industry, first
WITH f AS (
    SELECT c.code, c.name, c.industry, c.status, c.credit_limit, c.office_id, c.rep_id
    FROM customers c
    JOIN offices o ON o.id = c.office_id
    WHERE o.code = $1 AND c.industry = $2
),
page AS (
    SELECT * FROM f ORDER BY name, code LIMIT $3::int + 1
)
SELECT json_build_object('customers', json_build_object(
    'totalCount', (SELECT count(*) FROM f),
    'edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                    'code', p.code, 'name', p.name, 'industry', p.industry, 'status', p.status,
                    'creditLimit', p.credit_limit::text,
                    'office', json_build_object('code', o.code, 'name', o.name),
                    'rep', CASE WHEN u.id IS NOT NULL THEN json_build_object('username', u.username, 'name', u.name) END))
                  ORDER BY p.name, p.code), '[]')
              FROM (SELECT * FROM page ORDER BY name, code LIMIT $3::int) p
              JOIN offices o ON o.id = p.office_id
              LEFT JOIN users u ON u.id = p.rep_id),
    'pageInfo', json_build_object('hasNextPage', (SELECT count(*) > $3::int FROM page))))
