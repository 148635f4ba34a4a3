"""Labour demand and supply (kohtaanto): the companies' workforce needs and what the schools train."""
