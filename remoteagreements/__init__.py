"""Distance-work agreements: HR's register, signatures, follow-up and measurement."""
