# The demo's database and its network (insecure on purpose).

variable "admin_cidr" {
  default = "0.0.0.0/0"
}

resource "aws_security_group" "db" {
  name = "vulnerable-app-db"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_db_instance" "app" {
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  publicly_accessible    = true
  storage_encrypted      = false
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_s3_bucket" "uploads" {
  bucket = "vulnerable-app-uploads"
}

resource "aws_s3_bucket_acl" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  acl    = "public-read"
}
