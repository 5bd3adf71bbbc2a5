# copied from shared/seed/000_745aa4d756e45f8d.txt §4.1 (security/encryption_service.py); changes: minimal fixes only, each marked `# FIX` below:
#   - `Fernet(self.data_encryption_key)` -> `Fernet(base64.urlsafe_b64encode(self.data_encryption_key))`
#     (in __init__ and in rotate_encryption_keys; the raw 32-byte key always made Fernet raise)

# security/encryption_service.py
import os
import base64
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.backends import default_backend
import redis
from typing import Dict, Any, Optional
import json
import secrets

class EncryptionService:
    def __init__(self, redis_url: str = "redis://localhost:6379"):
        self.redis = redis.from_url(redis_url, decode_responses=False)
        self.backend = default_backend()
        
        # 마스터 키 가져오기 또는 생성
        self.master_key = self._get_or_create_master_key()
        
        # 데이터 암호화 키
        self.data_encryption_key = self._derive_key("data_encryption")
        self.fernet = Fernet(base64.urlsafe_b64encode(self.data_encryption_key))  # FIX: raw PBKDF2 key wrapped with urlsafe_b64encode
    
    def _get_or_create_master_key(self) -> bytes:
        """마스터 키 가져오기 또는 생성"""
        master_key = self.redis.get("encryption_master_key")
        if not master_key:
            # 새 마스터 키 생성
            master_key = os.urandom(32)
            self.redis.set("encryption_master_key", master_key)
        return master_key
    
    def _derive_key(self, purpose: str) -> bytes:
        """목적별 키 파생"""
        kdf = PBKDF2HMAC(
            algorithm=hashes.SHA256(),
            length=32,
            salt=purpose.encode(),
            iterations=100000,
            backend=self.backend
        )
        return kdf.derive(self.master_key)
    
    def encrypt_data(self, data: Any) -> str:
        """데이터 암호화"""
        try:
            # 데이터 직렬화
            if isinstance(data, (dict, list)):
                data_bytes = json.dumps(data).encode()
            else:
                data_bytes = str(data).encode()
            
            # 암호화
            encrypted_data = self.fernet.encrypt(data_bytes)
            
            # Base64 인코딩
            return base64.b64encode(encrypted_data).decode()
            
        except Exception as e:
            raise ValueError(f"Encryption failed: {str(e)}")
    
    def decrypt_data(self, encrypted_data: str) -> Any:
        """데이터 복호화"""
        try:
            # Base64 디코딩
            encrypted_bytes = base64.b64decode(encrypted_data.encode())
            
            # 복호화
            decrypted_bytes = self.fernet.decrypt(encrypted_bytes)
            
            # 데이터 역직렬화 시도
            try:
                return json.loads(decrypted_bytes.decode())
            except json.JSONDecodeError:
                return decrypted_bytes.decode()
                
        except Exception as e:
            raise ValueError(f"Decryption failed: {str(e)}")
    
    def encrypt_sensitive_field(self, field_name: str, value: str) -> Dict[str, str]:
        """민감 필드 암호화"""
        # 필드별 키 파생
        field_key = self._derive_key(f"field_{field_name}")
        field_cipher = Fernet(base64.urlsafe_b64encode(field_key))
        
        # 암호화
        encrypted_value = field_cipher.encrypt(value.encode())
        
        return {
            "encrypted": base64.b64encode(encrypted_value).decode(),
            "algorithm": "Fernet",
            "field": field_name
        }
    
    def decrypt_sensitive_field(self, encrypted_data: Dict[str, str]) -> str:
        """민감 필드 복호화"""
        field_name = encrypted_data["field"]
        encrypted_value = base64.b64decode(encrypted_data["encrypted"].encode())
        
        # 필드별 키 파생
        field_key = self._derive_key(f"field_{field_name}")
        field_cipher = Fernet(base64.urlsafe_b64encode(field_key))
        
        # 복호화
        decrypted_bytes = field_cipher.decrypt(encrypted_value)
        return decrypted_bytes.decode()
    
    def rotate_encryption_keys(self):
        """암호화 키 순환"""
        # 새 마스터 키 생성
        new_master_key = os.urandom(32)
        
        # 기존 데이터 재암호화
        self._reencrypt_all_data(self.master_key, new_master_key)
        
        # 마스터 키 업데이트
        self.redis.set("encryption_master_key", new_master_key)
        self.master_key = new_master_key
        
        # 데이터 암호화 키 재생성
        self.data_encryption_key = self._derive_key("data_encryption")
        self.fernet = Fernet(base64.urlsafe_b64encode(self.data_encryption_key))  # FIX: raw PBKDF2 key wrapped with urlsafe_b64encode
    
    def _reencrypt_all_data(self, old_key: bytes, new_key: bytes):
        """모든 데이터 재암호화"""
        # 여기에 모든 암호화된 데이터 재암호화 로직
        # 실제 구현에서는 데이터베이스의 모든 암호화 필드를 순회하며 재암호화
        pass

class PIIManager:
    def __init__(self, encryption_service: EncryptionService):
        self.encryption_service = encryption_service
        self.pii_fields = {
            'email', 'phone', 'ssn', 'address', 'credit_card',
            'bank_account', 'passport', 'driver_license'
        }
    
    def mask_pii_data(self, data: Dict[str, Any], user_role: str) -> Dict[str, Any]:
        """역할 기반 PII 데이터 마스킹"""
        masked_data = data.copy()
        
        for field, value in data.items():
            if self._is_pii_field(field):
                masked_value = self._mask_field_value(field, value, user_role)
                masked_data[field] = masked_value
        
        return masked_data
    
    def encrypt_pii_field(self, field_name: str, value: str) -> Dict[str, str]:
        """PII 필드 암호화"""
        if not self._is_pii_field(field_name):
            return {"value": value}
        
        return self.encryption_service.encrypt_sensitive_field(field_name, value)
    
    def decrypt_pii_field(self, encrypted_data: Dict[str, str]) -> str:
        """PII 필드 복호화"""
        if "encrypted" not in encrypted_data:
            return encrypted_data["value"]
        
        return self.encryption_service.decrypt_sensitive_field(encrypted_data)
    
    def _is_pii_field(self, field_name: str) -> bool:
        """PII 필드인지 확인"""
        return any(pii in field_name.lower() for pii in self.pii_fields)
    
    def _mask_field_value(self, field_name: str, value: str, user_role: str) -> str:
        """필드 값 마스킹"""
        if user_role in ['admin']:
            return value  # 관리자는 원본 값 접근
        
        field_lower = field_name.lower()
        
        if 'email' in field_lower:
            return self._mask_email(value)
        elif 'phone' in field_lower:
            return self._mask_phone(value)
        elif 'ssn' in field_lower:
            return self._mask_ssn(value)
        elif 'credit_card' in field_lower:
            return self._mask_credit_card(value)
        else:
            return self._mask_generic(value)
    
    def _mask_email(self, email: str) -> str:
        """이메일 마스킹"""
        if '@' not in email:
            return email
        
        local, domain = email.split('@', 1)
        if len(local) <= 2:
            masked_local = '*' * len(local)
        else:
            masked_local = local[0] + '*' * (len(local) - 2) + local[-1]
        
        return f"{masked_local}@{domain}"
    
    def _mask_phone(self, phone: str) -> str:
        """전화번호 마스킹"""
        digits = ''.join(filter(str.isdigit, phone))
        if len(digits) <= 4:
            return '*' * len(phone)
        
        return '*' * (len(digits) - 4) + digits[-4:]
    
    def _mask_ssn(self, ssn: str) -> str:
        """주민등록번호 마스킹"""
        digits = ''.join(filter(str.isdigit, ssn))
        if len(digits) != 9:
            return '*' * len(ssn)
        
        return f"***-**-{digits[-4:]}"
    
    def _mask_credit_card(self, card: str) -> str:
        """신용카드 번호 마스킹"""
        digits = ''.join(filter(str.isdigit, card))
        if len(digits) <= 4:
            return '*' * len(card)
        
        return '*' * (len(digits) - 4) + digits[-4:]
    
    def _mask_generic(self, value: str) -> str:
        """일반적인 마스킹"""
        if len(value) <= 2:
            return '*' * len(value)
        
        return value[0] + '*' * (len(value) - 2) + value[-1]
