"""The action plan: four insatsområden, activities, timeline, budget and follow-up."""
