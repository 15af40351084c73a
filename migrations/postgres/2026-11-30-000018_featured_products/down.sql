DROP TABLE featured_products;
