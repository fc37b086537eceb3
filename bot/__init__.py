"""The S3 Onboarding Assistant: a conversational guide for Baltic Sea Region SMEs."""
